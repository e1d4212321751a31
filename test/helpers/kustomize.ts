/**
 * `kubectl kustomize <dir>` for the features deploy/k8s uses (resources,
 * images, replacements, patches with JSON 6902 operations, local-config
 * objects), so the rendered manifests are checked on a machine without
 * kubectl; Debian 12's kubernetes-client (1.20) embeds a kustomize too old for
 * replacements. Anything else in a kustomization is refused, so the renderer
 * never silently differs from kustomize. Where kubectl is installed,
 * kubectlKustomize() renders the same directory for comparison.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse as parseYaml, parseAllDocuments } from "yaml";

export type Obj = Record<string, any>;

const SUPPORTED = new Set(["apiVersion", "kind", "resources", "images", "replacements", "patches"]);
const LOCAL_CONFIG = "config.kubernetes.io/local-config";

interface Selector {
  kind?: string;
  name?: string;
}

const selects = (sel: Selector, obj: Obj) =>
  (sel.kind === undefined || sel.kind === obj.kind) &&
  (sel.name === undefined || sel.name === obj.metadata?.name);

/** A kustomize field path: dots between fields, [a.b] for a key with dots, numbers for list items. */
function fieldPath(path: string): string[] {
  const out: string[] = [];
  for (const m of path.matchAll(/\[([^\]]+)\]|([^.[\]]+)/g)) out.push((m[1] ?? m[2])!);
  return out;
}

function getPath(obj: Obj, path: string[], where: string): unknown {
  let node: any = obj;
  for (const key of path) {
    assert.ok(
      node !== null && typeof node === "object" && key in node,
      `${where}: no field ${path.join(".")}`,
    );
    node = node[key];
  }
  return node;
}

function setPath(obj: Obj, path: string[], value: unknown, where: string): void {
  const parent = getPath(obj, path.slice(0, -1), where) as Obj;
  const key = path.at(-1)!;
  // kustomize replaces existing fields only (without options.create).
  assert.ok(key in parent, `${where}: no field ${path.join(".")} to replace`);
  parent[key] = structuredClone(value);
}

/** RFC 6902 add/replace/remove, the operations a kustomize patch takes. */
function applyJsonPatch(obj: Obj, ops: Obj[], where: string): void {
  for (const op of ops) {
    const path = String(op.path)
      .split("/")
      .slice(1)
      .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
    const parent = getPath(obj, path.slice(0, -1), where) as Obj;
    const key = path.at(-1)!;
    if (op.op === "add") {
      if (Array.isArray(parent)) parent.splice(key === "-" ? parent.length : Number(key), 0, op.value);
      else parent[key] = op.value;
    } else if (op.op === "replace" || op.op === "remove") {
      assert.ok(key in parent, `${where}: ${op.op} ${op.path}: no such field`);
      if (op.op === "replace") parent[key] = op.value;
      else if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
    } else {
      assert.fail(`${where}: patch operation ${op.op} is not supported by this renderer`);
    }
  }
}

function setImages(objects: Obj[], images: Obj[]): void {
  for (const obj of objects) {
    const pod = obj.spec?.template?.spec;
    for (const c of [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])]) {
      const [name] = String(c.image).split(/[:@]/, 1);
      const image = images.find((i) => i.name === name);
      if (!image) continue;
      const rest = String(c.image).slice(name!.length);
      const tag = image.digest ? `@${image.digest}` : image.newTag ? `:${image.newTag}` : rest;
      c.image = `${image.newName ?? name}${tag}`;
    }
  }
}

function readObjects(file: string): Obj[] {
  const out: Obj[] = [];
  for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
    assert.equal(doc.errors.length, 0, `${file}: ${String(doc.errors[0])}`);
    const obj = doc.toJS();
    if (obj !== null && obj !== undefined) out.push(obj);
  }
  return out;
}

/** The objects `kubectl kustomize dir` prints, local-config ones included (the caller's build drops them). */
function build(dir: string): Obj[] {
  const file = ["kustomization.yaml", "kustomization.yml"].map((f) => join(dir, f)).find(existsSync);
  assert.ok(file, `${dir} has no kustomization.yaml`);
  const k = parseYaml(readFileSync(file, "utf8")) as Obj;
  const unsupported = Object.keys(k).filter((key) => !SUPPORTED.has(key));
  assert.deepEqual(unsupported, [], `${file}: fields this renderer does not implement`);
  let objects: Obj[] = [];
  for (const r of k.resources ?? []) {
    const path = resolve(dir, r);
    objects = objects.concat(statSync(path).isDirectory() ? build(path) : readObjects(path));
  }
  for (const p of k.patches ?? []) {
    assert.ok(typeof p.patch === "string" && p.target, `${file}: only inline patches with a target`);
    const ops = parseYaml(p.patch);
    assert.ok(Array.isArray(ops), `${file}: only JSON 6902 patches (a list of operations)`);
    const targets = objects.filter((o) => selects(p.target, o));
    assert.ok(targets.length > 0, `${file}: patch target ${JSON.stringify(p.target)} matches nothing`);
    for (const t of targets) applyJsonPatch(t, ops, `${file}: ${t.kind} ${t.metadata?.name}`);
  }
  setImages(objects, k.images ?? []);
  for (const r of k.replacements ?? []) {
    const sources = objects.filter((o) => selects(r.source, o));
    assert.equal(sources.length, 1, `${file}: replacement source ${JSON.stringify(r.source)}`);
    const value = getPath(sources[0]!, fieldPath(r.source.fieldPath), `${file}: source`);
    for (const target of r.targets) {
      const matched = objects.filter((o) => selects(target.select, o));
      assert.ok(matched.length > 0, `${file}: replacement target ${JSON.stringify(target.select)}`);
      for (const o of matched) {
        for (const fp of target.fieldPaths) setPath(o, fieldPath(fp), value, `${file}: ${o.kind}`);
      }
    }
  }
  return objects;
}

/** Renders the kustomization in `dir`, as `kubectl kustomize dir` would (order aside). */
export function kustomize(dir: string): Obj[] {
  return build(dir).filter((o) => o.metadata?.annotations?.[LOCAL_CONFIG] !== "true");
}

/** kubectl's embedded kustomize major version, or undefined without kubectl. */
function kubectlKustomizeMajor(): number | undefined {
  try {
    const out = execFileSync("kubectl", ["version", "--client", "-o", "json"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    return Number(/^v?(\d+)/.exec(JSON.parse(out).kustomizeVersion ?? "")?.[1] ?? 0);
  } catch {
    return undefined;
  }
}

/**
 * `kubectl kustomize dir`, or undefined when kubectl is not installed or embeds
 * a kustomize older than v5 (Debian 12's kubernetes-client has v2, without
 * replacements).
 */
export function kubectlKustomize(dir: string): Obj[] | undefined {
  if ((kubectlKustomizeMajor() ?? 0) < 5) return undefined;
  const text = execFileSync("kubectl", ["kustomize", dir], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  return parseAllDocuments(text)
    .map((d) => d.toJS() as Obj)
    .filter(Boolean);
}

/** Objects in a stable order, to compare two renderings. */
export const byIdentity = (objects: Obj[]) =>
  [...objects].sort((a, b) => identity(a).localeCompare(identity(b)));

export const identity = (o: Obj) =>
  `${o.apiVersion}/${o.kind}/${o.metadata?.namespace ?? ""}/${o.metadata?.name}`;
