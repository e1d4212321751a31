/**
 * Kubernetes objects checked against the API schemas, as a cluster's API
 * server with strict field validation would: kubernetes-models for the
 * built-in kinds, @kubernetes-models/gateway-api and
 * @kubernetes-models/prometheus-operator for the CRDs the manifests use.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");

/** A parsed YAML object; its shape is what the checks are about. */
export type Obj = Record<string, any>;

/** The npm package holding the models of an API group. */
function modelPackage(apiVersion: string): string {
  const group = apiVersion.includes("/") ? apiVersion.split("/")[0]! : "";
  if (group === "gateway.networking.k8s.io") return "@kubernetes-models/gateway-api";
  if (group === "monitoring.coreos.com") return "@kubernetes-models/prometheus-operator";
  return "kubernetes-models";
}

async function modelClass(
  apiVersion: string,
  kind: string,
): Promise<new (data: Obj) => { validate(): void }> {
  let mod: Record<string, unknown>;
  try {
    mod = await import(`${modelPackage(apiVersion)}/${apiVersion}`);
  } catch (err) {
    assert.fail(`apiVersion ${apiVersion} is not in ${modelPackage(apiVersion)}: ${(err as Error).message}`);
  }
  // Model classes carry their apiVersion and kind as static fields.
  const cls = mod[kind] as { apiVersion?: string; kind?: string } | undefined;
  assert.ok(cls?.apiVersion === apiVersion && cls.kind === kind, `${apiVersion} has no kind ${kind}`);
  return cls as unknown as new (data: Obj) => { validate(): void };
}

// The models' validate() checks types, enums, patterns and required fields
// but, like the OpenAPI schema, accepts unknown fields; kubectl's strict field
// validation rejects them. The models' .d.ts files list each type's fields:
// walk them.

type FieldType = { kind: "leaf" } | { kind: "ref"; file: string } | { kind: "array" | "map"; of: FieldType };
const LEAF: FieldType = { kind: "leaf" };
const shapes = new Map<string, Map<string, FieldType> | null>();

/** The .d.ts an import in a .d.ts names: relative ("./X.js", "./X") or a package path. */
function resolveDts(fromFile: string, spec: string): string {
  const bare = spec.replace(/\.js$/, "");
  if (bare.startsWith(".")) return resolve(dirname(fromFile), bare + ".d.ts");
  const parts = bare.split("/");
  const pkg = parts.slice(0, bare.startsWith("@") ? 2 : 1).join("/");
  const sub = parts.slice(pkg.split("/").length).join("/") || "index";
  // Node's lookup: the nearest node_modules/<pkg> up from the importing file.
  for (let dir = dirname(fromFile); ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", pkg, sub + ".d.ts");
    if (existsSync(candidate)) return candidate;
    assert.notEqual(dirname(dir), dir, `cannot resolve ${spec} from ${fromFile}`);
  }
}

function fieldShape(file: string): Map<string, FieldType> | null {
  const known = shapes.get(file);
  if (known !== undefined) return known;
  const text = readFileSync(file, "utf8");
  const imports = new Map<string, string>();
  for (const m of text.matchAll(/^import \{ (\w+) \} from "([^"]+)";$/gm)) imports.set(m[1]!, m[2]!);
  const typeOf = (t: string): FieldType => {
    const array = /^Array<(.+)>$/.exec(t);
    if (array) return { kind: "array", of: typeOf(array[1]!) };
    const spec = imports.get(t);
    if (!spec) return LEAF; // string, number, boolean, a union of literals
    return { kind: "ref", file: resolveDts(file, spec) };
  };
  // Type aliases (IntOrString, Quantity, Time) have no interface: leaves.
  const body = /^export interface \w+(?: extends ([\w, ]+))? \{\n([\s\S]*?)^\}/m.exec(text);
  const shape = body ? new Map<string, FieldType>() : null;
  if (body && shape) {
    // The CRD models share fields through interfaces (HTTPBackendRef extends BackendRef).
    for (const parent of (body[1] ?? "").split(",").map((p) => p.trim())) {
      const spec = imports.get(parent);
      if (spec) for (const [k, v] of fieldShape(resolveDts(file, spec)) ?? []) shape.set(k, v);
    }
    const lines = body[2]!.split("\n");
    lines.forEach((line, i) => {
      const m = /^ {4}"([^"]+)"\??: (.+?);?$/.exec(line);
      if (!m) return;
      if (m[2] === "{") {
        const value = /^\s+\[key: string\]: (.+);$/.exec(lines[i + 1] ?? "");
        shape.set(m[1]!, { kind: "map", of: value ? typeOf(value[1]!) : LEAF });
      } else {
        shape.set(m[1]!, typeOf(m[2]!));
      }
    });
  }
  shapes.set(file, shape);
  return shape;
}

function unknownFields(value: unknown, type: FieldType, path: string, out: string[]): string[] {
  if (value === null || typeof value !== "object") return out;
  if (type.kind === "array" && Array.isArray(value)) {
    value.forEach((v, i) => unknownFields(v, type.of, `${path}[${i}]`, out));
  } else if (type.kind === "map") {
    for (const [k, v] of Object.entries(value)) unknownFields(v, type.of, `${path}.${k}`, out);
  } else if (type.kind === "ref" && !Array.isArray(value)) {
    const shape = fieldShape(type.file);
    if (!shape) return out;
    for (const [k, v] of Object.entries(value)) {
      const field = shape.get(k);
      if (field) unknownFields(v, field, `${path}.${k}`, out);
      else out.push(`${path}.${k}`);
    }
  }
  return out;
}

function unknownFieldsOf(obj: Obj): string[] {
  const root = join(ROOT, "node_modules", modelPackage(obj.apiVersion), obj.apiVersion, `${obj.kind}.d.ts`);
  assert.ok(existsSync(root), `no type declarations for ${obj.apiVersion} ${obj.kind}`);
  return unknownFields(obj, { kind: "ref", file: root }, obj.kind, []);
}

/** Everything the API server would refuse in `obj`; rejects for a kind no package knows. */
export async function schemaErrors(obj: Obj): Promise<string[]> {
  const Model = await modelClass(obj.apiVersion, obj.kind);
  const errors: string[] = [];
  try {
    new Model(obj).validate();
  } catch (err) {
    errors.push((err as Error).message);
  }
  const unknown = unknownFieldsOf(obj);
  if (unknown.length) errors.push(`unknown fields: ${unknown.join(", ")}`);
  return errors;
}
