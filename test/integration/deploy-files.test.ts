/**
 * The deployment files, checked without Docker or a cluster: the Dockerfile,
 * deploy/docker-compose.yml and deploy/k8s/*.yaml against the code they deploy
 * (port, probe paths, environment variable names, drain time, metric names,
 * build output), and the Kubernetes objects against the Kubernetes API schemas.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, posix, resolve } from "node:path";
import { parse as parseYaml, parseAllDocuments } from "yaml";
import { ConfigError, loadConfig, type Config } from "../../src/framework/config/config.js";

const ROOT = resolve(import.meta.dirname, "../..");
const K8S_DIR = join(ROOT, "deploy/k8s");
const COMPOSE_FILE = join(ROOT, "deploy/docker-compose.yml");
const DOCKERFILE = join(ROOT, "Dockerfile");
const STRONG_SECRET = "x".repeat(48);

const read = (file: string) => readFileSync(resolve(ROOT, file), "utf8");

/** A parsed YAML object; its shape is what the checks below are about. */
type Obj = Record<string, any>;

// ---------------------------------------------------------------------------
// What the code says

/** The keys of `const EnvSchema = z.object({ … })`: every variable the server reads. */
function envSchemaKeys(): Set<string> {
  const block = /const EnvSchema = z\.object\(\{\n([\s\S]*?)\n\}\);/.exec(
    read("src/framework/config/config.ts"),
  );
  assert.ok(block, "const EnvSchema = z.object({ … }); not found in src/framework/config/config.ts");
  return new Set([...block[1]!.matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]!));
}

/** Paths served with GET in src/framework/http/routes.ts. */
function getRoutes(): Set<string> {
  // Routes are registered through ApiRouter specs: `{ method: "get", path: "/health", … }`.
  return new Set(
    [...read("src/framework/http/routes.ts").matchAll(/method:\s*"get",\s*path:\s*"([^"]+)"/g)].map(
      (m) => m[1]!,
    ),
  );
}

// ---------------------------------------------------------------------------
// Dockerfile

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  from: string;
  name: string | undefined;
  instructions: Instruction[];
}

/** Instructions with continuation lines joined and comments dropped, split into stages. */
function parseDockerfile(text: string): { stages: Stage[] } {
  const instructions: Instruction[] = [];
  let pending = "";
  for (const line of text.split("\n")) {
    if (/^\s*#/.test(line)) continue;
    if (/\\\s*$/.test(line)) {
      pending += line.replace(/\\\s*$/, " ");
      continue;
    }
    const full = (pending + line).trim();
    pending = "";
    if (!full) continue;
    const m = /^(\S+)\s*([\s\S]*)$/.exec(full)!;
    instructions.push({ op: m[1]!.toUpperCase(), args: m[2]!.replace(/\s+/g, " ").trim() });
  }
  const globalArgs = new Map<string, string>();
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.op === "FROM") {
      const words = ins.args.split(" ").filter((w) => !w.startsWith("--"));
      const from = words[0]!.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, a?: string, b?: string) => {
        return globalArgs.get((a ?? b)!) ?? whole;
      });
      const as = words.findIndex((w) => w.toUpperCase() === "AS");
      stages.push({ from, name: as >= 0 ? words[as + 1] : undefined, instructions: [] });
    } else if (stages.length === 0) {
      if (ins.op === "ARG") {
        const [name, value] = ins.args.split("=", 2);
        if (value !== undefined) globalArgs.set(name!, value);
      }
    } else {
      stages.at(-1)!.instructions.push(ins);
    }
  }
  return { stages };
}

function dockerEnv(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const ins of stage.instructions.filter((i) => i.op === "ENV")) {
    if (/^\w+=/.test(ins.args)) {
      for (const m of ins.args.matchAll(/(\w+)=("[^"]*"|\S*)/g)) env[m[1]!] = m[2]!.replace(/^"|"$/g, "");
    } else {
      const [name, ...value] = ins.args.split(" ");
      env[name!] = value.join(" ");
    }
  }
  return env;
}

const last = (stage: Stage, op: string) => stage.instructions.filter((i) => i.op === op).at(-1)?.args;

function imageRef(ref: string): { name: string; tag: string | undefined; digest: string | undefined } {
  const [nameAndTag, digest] = ref.split("@", 2) as [string, string | undefined];
  const slash = nameAndTag.lastIndexOf("/");
  const colon = nameAndTag.lastIndexOf(":");
  return colon > slash
    ? { name: nameAndTag.slice(0, colon), tag: nameAndTag.slice(colon + 1), digest }
    : { name: nameAndTag, tag: undefined, digest };
}

/** A specific version: a tag with a version number in it (not latest), or a digest. */
function assertPinned(ref: string, where: string): void {
  const { tag, digest } = imageRef(ref);
  if (digest) {
    assert.match(digest, /^sha256:[0-9a-f]{64}$/, `${where}: malformed digest in ${ref}`);
    return;
  }
  assert.ok(tag, `${where}: ${ref} has no tag (means latest); pin a version`);
  assert.notEqual(tag, "latest", `${where}: ${ref} uses latest; pin a version`);
  assert.match(tag, /\d/, `${where}: tag of ${ref} names no version`);
}

/** glibc of the Debian releases the official images are built on. */
const DEBIAN_GLIBC: Record<string, [number, number]> = {
  buster: [2, 28],
  bullseye: [2, 31],
  bookworm: [2, 36],
  trixie: [2, 41],
};
/** Node major → NODE_MODULE_VERSION (the ABI number in native addon file names). */
const NODE_ABI: Record<number, number> = { 18: 108, 20: 115, 22: 127, 24: 137 };

const cmpVersion = (a: [number, number], b: [number, number]) => a[0] - b[0] || a[1] - b[1];

/** The highest GLIBC_x.y symbol version a native binary asks for. */
function requiredGlibc(file: string): [number, number] {
  const versions = [...readFileSync(file, "latin1").matchAll(/GLIBC_(\d+)\.(\d+)/g)].map(
    (m) => [Number(m[1]), Number(m[2])] as [number, number],
  );
  assert.ok(versions.length > 0, `${file}: no GLIBC_ symbol versions found`);
  return versions.sort(cmpVersion).at(-1)!;
}

/** The file the production start runs: tsconfig of `npm run build` → outDir + src/index.ts as .js. */
function buildEntry(): { entry: string; outDir: string } {
  const pkg = JSON.parse(read("package.json"));
  const build = /\btsc\s+-p\s+(\S+)/.exec(pkg.scripts.build);
  assert.ok(build, `npm run build is not "tsc -p <tsconfig>": ${pkg.scripts.build}`);
  let options: Obj = {};
  let include: string[] | undefined;
  for (let file: string | undefined = build[1]!; file;) {
    const tsconfig = JSON.parse(read(file));
    options = { ...tsconfig.compilerOptions, ...options };
    include ??= tsconfig.include;
    file = tsconfig.extends ? posix.join(posix.dirname(file), tsconfig.extends) : undefined;
  }
  assert.ok(include?.includes("src"), `${build[1]} does not compile src/`);
  assert.ok(options.outDir, `${build[1]} sets no outDir`);
  assert.ok(existsSync(join(ROOT, "src/index.ts")), "src/index.ts is the entry point");
  const fromRoot = posix.relative(options.rootDir ?? ".", "src/index.ts");
  return {
    entry: posix.join(options.outDir, fromRoot).replace(/\.ts$/, ".js"),
    outDir: posix.normalize(options.outDir),
  };
}

// ---------------------------------------------------------------------------
// Kubernetes objects

interface Manifest {
  file: string;
  obj: Obj;
}

function loadManifests(): Manifest[] {
  const files = readdirSync(K8S_DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  assert.ok(files.length > 0, `no YAML files in ${K8S_DIR}`);
  const out: Manifest[] = [];
  for (const file of files) {
    for (const doc of parseAllDocuments(readFileSync(join(K8S_DIR, file), "utf8"))) {
      assert.ok(!("errors" in doc) || doc.errors.length === 0, `${file}: ${String(doc.errors?.[0])}`);
      const obj = doc.toJS();
      if (obj === null || obj === undefined) continue; // an empty document (a trailing ---)
      assert.equal(typeof obj, "object", `${file}: a document is not an object`);
      out.push({ file, obj });
    }
  }
  return out;
}

/** Objects left out of the schema validation, and why. Any other unknown kind fails. */
const NOT_KUBERNETES_API: Record<string, string> = {
  "kustomize.config.k8s.io/v1beta1/Kustomization": "a kustomize build file, never sent to the API server",
  "monitoring.coreos.com/v1/ServiceMonitor":
    "a Prometheus Operator CRD (optional); its schema is not in kubernetes-models",
};

/** Files in deploy/k8s that kustomization.yaml must not list, and why. */
const NOT_IN_KUSTOMIZATION: Record<string, string> = {
  "kustomization.yaml": "itself",
  "secret.example.yaml": "placeholder values; the real Secret is created by hand",
  "servicemonitor.yaml": "needs the Prometheus Operator's CRD; applied separately",
};

const requireHere = createRequire(import.meta.url);

async function modelClass(
  apiVersion: string,
  kind: string,
): Promise<new (data: Obj) => { validate(): void }> {
  let mod: Record<string, unknown>;
  try {
    mod = await import(`kubernetes-models/${apiVersion}`);
  } catch (err) {
    assert.fail(`apiVersion ${apiVersion} is not in kubernetes-models: ${(err as Error).message}`);
  }
  // Model classes carry their apiVersion and kind as static fields.
  const cls = mod[kind] as { apiVersion?: string; kind?: string } | undefined;
  assert.ok(cls?.apiVersion === apiVersion && cls.kind === kind, `${apiVersion} has no kind ${kind}`);
  return cls as unknown as new (data: Obj) => { validate(): void };
}

// kubernetes-models' validate() checks types, enums and required fields but,
// like the OpenAPI schema, accepts unknown fields; kubectl's strict field
// validation rejects them. Its .d.ts files list each type's fields: walk them.

type FieldType = { kind: "leaf" } | { kind: "ref"; file: string } | { kind: "array" | "map"; of: FieldType };
const LEAF: FieldType = { kind: "leaf" };
const shapes = new Map<string, Map<string, FieldType> | null>();

const dtsOf = (js: string) => js.replace(/\.js$/, ".d.ts");

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
    const target = spec.startsWith(".")
      ? resolve(dirname(file), spec + ".d.ts")
      : dtsOf(createRequire(file).resolve(spec));
    return { kind: "ref", file: target };
  };
  // Type aliases (IntOrString, Quantity, Time) have no interface: leaves.
  const body = /^export interface \w+(?: extends [\w, ]+)? \{\n([\s\S]*?)^\}/m.exec(text);
  const shape = body ? new Map<string, FieldType>() : null;
  if (body && shape) {
    const lines = body[1]!.split("\n");
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
  const root = dtsOf(requireHere.resolve(`kubernetes-models/${obj.apiVersion}/${obj.kind}`));
  assert.ok(existsSync(root), `no type declarations for ${obj.apiVersion} ${obj.kind}`);
  return unknownFields(obj, { kind: "ref", file: root }, obj.kind, []);
}

async function schemaErrors(obj: Obj): Promise<string[]> {
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

function labelsMatch(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

/** CPU in cores, memory in bytes. */
function quantity(q: string | number): number {
  const m = /^(\d+(?:\.\d+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(String(q));
  assert.ok(m, `not a quantity: ${q}`);
  const unit = {
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
  };
  return Number(m[1]) * (m[2] ? unit[m[2] as keyof typeof unit] : 1);
}

/** Seconds in a preStop hook that only waits (exec sleep N, sh -c "sleep N", or sleep.seconds). */
function preStopSeconds(preStop: Obj | undefined): number {
  if (!preStop) return 0;
  if (preStop.sleep) return Number(preStop.sleep.seconds);
  const command: string[] = preStop.exec?.command ?? [];
  const m = /(?:^|\s|\/)sleep\s+(\d+)\s*$/.exec(command.join(" "));
  assert.ok(m, `preStop is not a plain sleep: ${JSON.stringify(preStop)}`);
  return Number(m[1]);
}

/** Compose-style duration ("40s", "1m30s", "500ms") in seconds. */
function durationSeconds(d: string | number): number {
  if (typeof d === "number") return d;
  const parts = [...d.matchAll(/(\d+(?:\.\d+)?)(ms|us|h|m|s)/g)];
  assert.ok(parts.length > 0 && parts.map((p) => p[0]).join("") === d, `not a duration: ${d}`);
  const unit = { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6 };
  return parts.reduce((sum, p) => sum + Number(p[1]) * unit[p[2] as keyof typeof unit], 0);
}

/** Compose variable interpolation, as a checkout without .env or exported variables sees it. */
function interpolate(value: string, env: Record<string, string | undefined>): string {
  return value.replace(
    /\$\$|\$\{(\w+)(?:(:?)([-?])([^}]*))?\}|\$(\w+)/g,
    (whole, name?: string, colon?: string, op?: string, arg?: string, bare?: string) => {
      if (whole === "$$") return "$";
      const v = env[(name ?? bare)!];
      const unset = v === undefined || (colon === ":" && v === "");
      if (op === "-") return unset ? arg! : v!;
      if (op === "?") {
        assert.ok(!unset, `required variable ${name} is not set: ${arg}`);
        return v!;
      }
      return v ?? "";
    },
  );
}

function composeEnv(service: Obj): Record<string, string> {
  const raw = service.environment ?? {};
  const entries: [string, unknown][] = Array.isArray(raw)
    ? raw.map((e: string) => {
        const i = e.indexOf("=");
        return i < 0 ? [e, undefined] : [e.slice(0, i), e.slice(i + 1)];
      })
    : Object.entries(raw);
  return Object.fromEntries(
    entries.filter(([, v]) => v !== undefined && v !== null).map(([k, v]) => [k, interpolate(String(v), {})]),
  );
}

function composePorts(service: Obj): { host: number | undefined; container: number }[] {
  return (service.ports ?? []).map((p: string | number | Obj) => {
    if (typeof p === "object")
      return { host: p.published ? Number(p.published) : undefined, container: p.target };
    const parts = String(p)
      .replace(/\/(tcp|udp)$/, "")
      .split(":");
    const container = Number(parts.at(-1));
    return { host: parts.length > 1 ? Number(parts.at(-2)) : undefined, container };
  });
}

// ---------------------------------------------------------------------------

describe("deployment files", () => {
  let tmp: string;
  let defaults: Config;
  let schemaKeys: Set<string>;
  let routes: Set<string>;
  let runtime: Stage;
  let stages: Stage[];

  /** The server's configuration for an environment; never writes a secret outside a temp dir. */
  const configFor = (env: Record<string, string>): Config =>
    loadConfig(env.JWT_SECRET === undefined ? { ...env, DATA_DIR: tmp } : env);

  before(() => {
    tmp = mkdtempSync(join(tmpdir(), "mxo-deploy-files-"));
    defaults = loadConfig({ DATA_DIR: tmp });
    schemaKeys = envSchemaKeys();
    routes = getRoutes();
    stages = parseDockerfile(readFileSync(DOCKERFILE, "utf8")).stages;
    runtime = stages.at(-1)!;
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it("reads the facts it checks against from the code", () => {
    for (const name of ["PORT", "DATABASE_URL", "REDIS_URL", "JWT_SECRET", "PUBLIC_ADDRESS"]) {
      assert.ok(schemaKeys.has(name), `EnvSchema parsing missed ${name}`);
    }
    assert.ok(!schemaKeys.has("POD_NAME"), "EnvSchema parsing found a name that is not there");
    for (const path of ["/health", "/ready", "/metrics"]) assert.ok(routes.has(path), `no route ${path}`);
    assert.ok(stages.length >= 2, "the Dockerfile has a build stage and a runtime stage");
  });

  describe("Dockerfile", () => {
    it("pins every base image to a version", () => {
      const names = new Set(stages.map((s) => s.name).filter(Boolean));
      for (const stage of stages) {
        if (names.has(stage.from)) continue; // FROM an earlier stage
        assertPinned(stage.from, `FROM ${stage.from}`);
      }
    });

    it("builds and runs on the same Node major, one the project supports", () => {
      const majors = stages.map((s) => {
        const { name, tag } = imageRef(s.from);
        assert.match(name, /(^|\/)node$/, `FROM ${s.from} is not an official node image`);
        const m = /^(\d+)(?:\.(\d+))?/.exec(tag ?? "");
        assert.ok(m, `FROM ${s.from}: tag names no Node version`);
        return [Number(m[1]), Number(m[2] ?? 0)] as [number, number];
      });
      assert.ok(
        majors.every((v) => v[0] === majors[0]![0]),
        `Node majors differ: ${stages.map((s) => s.from).join(", ")}`,
      );
      const engines = /^>=\s*(\d+)\.(\d+)/.exec(JSON.parse(read("package.json")).engines.node);
      assert.ok(engines, "package.json engines.node is >=x.y");
      const runtimeNode = majors.at(-1)!;
      assert.ok(
        runtimeNode[0] === Number(engines[1]) && runtimeNode[1] >= Number(engines[2]),
        `runtime Node ${runtimeNode.join(".")} does not satisfy engines ${engines[0]} on the same major`,
      );
    });

    it("runs on a glibc image that the uWebSockets.js binary for its Node ABI accepts", () => {
      const { tag } = imageRef(runtime.from);
      assert.doesNotMatch(tag ?? "", /alpine/, "Alpine is musl: the uWebSockets.js binaries need glibc");
      const release = Object.keys(DEBIAN_GLIBC).find((r) => tag?.includes(r));
      assert.ok(
        release,
        `runtime image ${runtime.from} names no known Debian release (${Object.keys(DEBIAN_GLIBC)})`,
      );
      const major = Number(/^\d+/.exec(tag!)![0]);
      const abi = NODE_ABI[major];
      assert.ok(abi, `unknown ABI for Node ${major}`);
      const pkgDir = join(ROOT, "node_modules/uWebSockets.js");
      for (const arch of ["x64", "arm64"]) {
        const binary = ["binaries", "dist", "."]
          .map((d) => join(pkgDir, d, `uws_linux_${arch}_${abi}.node`))
          .find((f) => existsSync(f));
        assert.ok(binary, `uWebSockets.js has no linux ${arch} binary for Node ${major} (ABI ${abi})`);
        const needs = requiredGlibc(binary);
        assert.ok(
          cmpVersion(DEBIAN_GLIBC[release]!, needs) >= 0,
          `${binary} needs glibc ${needs.join(".")}, ${release} has ${DEBIAN_GLIBC[release]!.join(".")}`,
        );
      }
    });

    it("runs as a user other than root", () => {
      const user = last(runtime, "USER");
      assert.ok(user, "the runtime stage sets no USER (runs as root)");
      assert.ok(!["root", "0"].includes(user.split(":")[0]!), `USER ${user} is root`);
    });

    it("exposes the configured port", () => {
      const exposed = (last(runtime, "EXPOSE") ?? "").split(" ").map((p) => Number(p.replace(/\/tcp$/, "")));
      assert.deepEqual(exposed, [defaults.port], "EXPOSE is not the default PORT");
      const inImage = configFor({
        ...dockerEnv(runtime),
        JWT_SECRET: STRONG_SECRET,
        TOTP_ENCRYPTION_KEY: STRONG_SECRET,
      });
      assert.equal(inImage.port, defaults.port, "the image's ENV PORT differs from EXPOSE");
    });

    it("checks health on /health at the server's port", () => {
      const check = last(runtime, "HEALTHCHECK");
      assert.ok(check, "no HEALTHCHECK in the runtime stage");
      assert.doesNotMatch(check, /^NONE\b/i);
      assert.match(check, /\bCMD\b/);
      const path = /\/health\b/.exec(check)?.[0];
      assert.ok(path && routes.has(path), `HEALTHCHECK does not hit a /health route: ${check}`);
      assert.ok(
        check.includes(String(defaults.port)) || /\$\{?PORT\b|env\.PORT\b/.test(check),
        `HEALTHCHECK uses neither PORT nor ${defaults.port}: ${check}`,
      );
    });

    it("stops with SIGTERM, the signal the server drains on", () => {
      assert.equal(last(runtime, "STOPSIGNAL"), "SIGTERM");
      assert.match(read("src/framework/server/runGame.ts"), /process\.on\("SIGTERM"/);
    });

    it("starts the output of npm run build with --experimental-websocket", () => {
      const { entry, outDir } = buildEntry();
      const cmd = JSON.parse(last(runtime, "CMD") ?? "null");
      assert.ok(Array.isArray(cmd), "CMD is not in exec (JSON array) form, so SIGTERM would go to a shell");
      assert.equal(cmd[0], "node");
      assert.ok(cmd.includes("--experimental-websocket"), `CMD lacks --experimental-websocket: ${cmd}`);
      assert.ok(
        cmd.some((a: string) => posix.normalize(a) === entry),
        `CMD ${JSON.stringify(cmd)} does not run ${entry}`,
      );
      assert.ok(
        JSON.parse(read("package.json")).scripts["start:prod"].includes(entry),
        `npm run start:prod does not run ${entry}`,
      );
      const copies = runtime.instructions.filter((i) => i.op === "COPY" && /--from=/.test(i.args));
      assert.ok(
        copies.some((c) => c.args.split(" ").some((w) => w.replace(/\/$/, "").endsWith(`/${outDir}`))),
        `the runtime stage does not copy ${outDir}/ from the build stage`,
      );
      assert.ok(
        copies.some((c) => c.args.split(" ").some((w) => /\/content\/?$/.test(w))),
        "the runtime stage does not copy content/ (CONTENT_DIR default ./content)",
      );
    });
  });

  describe("Kubernetes manifests (deploy/k8s)", () => {
    let manifests: Manifest[];
    let ns: string;
    let workload: Obj;
    let pod: Obj;
    let container: Obj;
    let podLabels: Record<string, string>;
    let podName: string;
    let env: Record<string, string>;
    let rawEnv: Obj[];
    let config: Config;
    let containerPort: number;

    const all = (kind: string) => manifests.filter((m) => m.obj.kind === kind).map((m) => m.obj);
    const one = (kind: string, name: string) => {
      const found = all(kind).filter((o) => o.metadata?.name === name);
      assert.equal(found.length, 1, `expected one ${kind} ${name}, found ${found.length}`);
      return found[0]!;
    };
    /** A container port given by number or by name, as a number. */
    const portNumber = (p: number | string) =>
      typeof p === "number" ? p : container.ports?.find((cp: Obj) => cp.name === p)?.containerPort;

    before(() => {
      manifests = loadManifests();
      const namespaces = all("Namespace");
      assert.equal(namespaces.length, 1, "one Namespace");
      ns = namespaces[0]!.metadata.name;
      const workloads = [...all("StatefulSet"), ...all("Deployment")];
      assert.equal(workloads.length, 1, "one StatefulSet or Deployment");
      workload = workloads[0]!;
      pod = workload.spec.template.spec;
      podLabels = workload.spec.template.metadata.labels;
      assert.equal(pod.containers.length, 1, "one container");
      container = pod.containers[0]!;
      podName = `${workload.metadata.name}-0`;

      // The environment the server sees: image ENV, then envFrom, then env (with $(VAR) expansion).
      env = { ...dockerEnv(runtime) };
      for (const from of container.envFrom ?? []) {
        assert.equal(from.prefix, undefined, "envFrom with a prefix renames the variables");
        if (from.configMapRef) Object.assign(env, one("ConfigMap", from.configMapRef.name).data);
        if (from.secretRef) Object.assign(env, secretData(one("Secret", from.secretRef.name)));
      }
      rawEnv = container.env ?? [];
      for (const e of rawEnv) {
        if (e.value !== undefined) {
          env[e.name] = String(e.value).replace(/\$\((\w+)\)/g, (whole, n: string) => env[n] ?? whole);
        } else if (e.valueFrom?.fieldRef) {
          const field: Record<string, string> = {
            "metadata.name": podName,
            "metadata.namespace": ns,
            "status.podIP": "10.1.2.3",
          };
          const value = field[e.valueFrom.fieldRef.fieldPath];
          assert.ok(value, `unsupported fieldRef ${e.valueFrom.fieldRef.fieldPath}`);
          env[e.name] = value;
        } else if (e.valueFrom?.configMapKeyRef) {
          const ref = e.valueFrom.configMapKeyRef;
          env[e.name] = one("ConfigMap", ref.name).data[ref.key];
        } else if (e.valueFrom?.secretKeyRef) {
          const ref = e.valueFrom.secretKeyRef;
          env[e.name] = secretData(one("Secret", ref.name))[ref.key]!;
        }
      }
      config = configFor({ ...env, JWT_SECRET: STRONG_SECRET, TOTP_ENCRYPTION_KEY: STRONG_SECRET });
      const ports = container.ports ?? [];
      assert.equal(ports.length, 1, "the container declares one port (HTTP and WebSocket share it)");
      containerPort = ports[0].containerPort;
    });

    function secretData(secret: Obj): Record<string, string> {
      const data = Object.fromEntries(
        Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(String(v), "base64").toString()]),
      );
      return { ...data, ...secret.stringData };
    }

    it("validates every object against the Kubernetes API schema, with no unknown fields", async () => {
      const failures: string[] = [];
      for (const { file, obj } of manifests) {
        const id = `${file}: ${obj.apiVersion} ${obj.kind} ${obj.metadata?.name ?? ""}`;
        if (`${obj.apiVersion}/${obj.kind}` in NOT_KUBERNETES_API) continue;
        const errors = await schemaErrors(obj).catch((err: Error) => [err.message]);
        if (errors.length) failures.push(`${id}: ${errors.join("; ")}`);
      }
      assert.deepEqual(failures, []);
    });

    it("has validation that catches a wrong type and a misspelt field", async () => {
      const broken = structuredClone(workload);
      broken.spec.template.spec.containers[0].ports[0].containerPort = "2567";
      const probe = broken.spec.template.spec.containers[0].readinessProbe;
      delete broken.spec.template.spec.containers[0].readinessProbe;
      broken.spec.template.spec.containers[0].readinesProbe = probe;
      const errors = (await schemaErrors(broken)).join("\n");
      assert.match(errors, /containerPort must be integer/);
      assert.match(
        errors,
        /unknown fields: .*\bStatefulSet\.spec\.template\.spec\.containers\[0\]\.readinesProbe\b/,
      );
      await assert.rejects(schemaErrors({ apiVersion: "v1", kind: "Nonsense", metadata: { name: "x" } }));
    });

    it("skips only the kinds it names, and kustomization.yaml lists every other file", () => {
      const kustomizations = all("Kustomization");
      assert.equal(kustomizations.length, 1, "one kustomization.yaml");
      const listed = [...kustomizations[0]!.resources].sort();
      const expected = readdirSync(K8S_DIR)
        .filter((f) => /\.ya?ml$/.test(f) && !(f in NOT_IN_KUSTOMIZATION))
        .sort();
      assert.deepEqual(listed, expected);
      const skipped = manifests.filter((m) => `${m.obj.apiVersion}/${m.obj.kind}` in NOT_KUBERNETES_API);
      for (const m of skipped) {
        assert.ok(m.file in NOT_IN_KUSTOMIZATION, `${m.file} is applied but holds a non-API ${m.obj.kind}`);
      }
    });

    it("puts every object in the one namespace", () => {
      for (const { file, obj } of manifests) {
        if (obj.kind === "Namespace" || obj.kind === "Kustomization") continue;
        assert.equal(obj.metadata?.namespace, ns, `${file}: ${obj.kind} ${obj.metadata?.name}`);
      }
    });

    it("sets only environment variables the server reads (and helpers it expands)", () => {
      const helpers = new Set(
        rawEnv
          .filter((e) => rawEnv.some((o) => String(o.value ?? "").includes(`$(${e.name})`)))
          .map((e) => e.name),
      );
      const names: string[] = [...rawEnv.map((e) => e.name)];
      for (const from of container.envFrom ?? []) {
        if (from.configMapRef)
          names.push(...Object.keys(one("ConfigMap", from.configMapRef.name).data ?? {}));
        if (from.secretRef) names.push(...Object.keys(secretData(one("Secret", from.secretRef.name))));
      }
      for (const { obj } of manifests.filter((m) => m.obj.kind === "ConfigMap" || m.obj.kind === "Secret")) {
        names.push(...Object.keys(obj.kind === "Secret" ? secretData(obj) : (obj.data ?? {})));
      }
      const unknown = names.filter((n) => !schemaKeys.has(n) && !helpers.has(n));
      assert.deepEqual(unknown, [], "names src/framework/config/config.ts does not know");
      for (const h of helpers) assert.ok(!schemaKeys.has(h), `${h} is a config variable, not only a helper`);
    });

    it("configures what several replicas need, and the example Secret cannot run as is", () => {
      assert.equal(config.nodeEnv, "production");
      assert.ok(config.databaseUrl, "DATABASE_URL: the embedded database serves one process only");
      assert.ok(config.redisUrl, "REDIS_URL: presence and matchmaking must be shared");
      assert.throws(
        () => configFor(env),
        (err: unknown) => err instanceof ConfigError && err.variable === "JWT_SECRET",
        "the example JWT_SECRET placeholder must be refused by the server (applied unchanged, it would be public)",
      );
    });

    it("listens on the configured port and probes /health (liveness) and /ready (readiness)", () => {
      assert.equal(containerPort, config.port, "containerPort is not the server's PORT");
      assert.equal(containerPort, defaults.port, "containerPort is not the default PORT");
      const probes: [string, string][] = [
        ["livenessProbe", "/health"],
        ["readinessProbe", "/ready"],
      ];
      if (container.startupProbe) probes.push(["startupProbe", "/health"]);
      for (const [probe, path] of probes) {
        const get = container[probe]?.httpGet;
        assert.ok(get, `${probe} is not an HTTP GET`);
        assert.equal(get.path, path, probe);
        assert.ok(routes.has(get.path), `${probe}: no route ${get.path} in src/framework/http/routes.ts`);
        assert.equal(portNumber(get.port), config.port, `${probe} port`);
      }
    });

    it("advertises a per-pod PUBLIC_ADDRESS for seat reservations", () => {
      const entry = rawEnv.find((e) => e.name === "PUBLIC_ADDRESS");
      assert.ok(entry?.value, "PUBLIC_ADDRESS is not set in the container's env");
      const perPod = rawEnv.filter((e) =>
        ["metadata.name", "status.podIP"].includes(e.valueFrom?.fieldRef?.fieldPath),
      );
      assert.ok(
        perPod.some((e) => entry.value.includes(`$(${e.name})`)),
        "PUBLIC_ADDRESS must differ per pod ($(POD_NAME) or $(POD_IP) from the downward API)",
      );
      assert.equal(config.publicAddress, env.PUBLIC_ADDRESS);
      const [host, port] = env.PUBLIC_ADDRESS!.split(":");
      if (/\.svc(\.cluster\.local)?$/.test(host!) || /^\d+\.\d+\.\d+\.\d+$/.test(host!)) {
        // Inside the cluster: straight to the pod's port.
        assert.equal(Number(port), config.port, "PUBLIC_ADDRESS port");
        if (workload.kind === "StatefulSet") {
          assert.equal(host, `${podName}.${workload.spec.serviceName}.${ns}.svc.cluster.local`);
        }
      }
    });

    it("has Services that select the pods on the game port, and a headless one for pod DNS", () => {
      const services = all("Service").filter((s) => labelsMatch(s.spec.selector, podLabels));
      assert.ok(services.length > 0, "no Service selects the pods");
      for (const s of services) {
        for (const p of s.spec.ports) {
          assert.equal(portNumber(p.targetPort ?? p.port), config.port, `Service ${s.metadata.name}`);
        }
      }
      assert.ok(
        labelsMatch(workload.spec.selector.matchLabels, podLabels),
        "workload selector vs pod labels",
      );
      if (workload.kind === "StatefulSet") {
        const governing = one("Service", workload.spec.serviceName);
        assert.equal(governing.spec.clusterIP, "None", "the StatefulSet's serviceName must be headless");
        assert.ok(
          labelsMatch(governing.spec.selector, podLabels),
          "the headless Service does not select the pods",
        );
      }
    });

    it("gives the drain time to finish: terminationGracePeriodSeconds > preStop + SHUTDOWN_TIMEOUT_SECONDS", () => {
      const preStop = preStopSeconds(container.lifecycle?.preStop);
      assert.ok(preStop > 0, "a preStop sleep lets endpoints update before SIGTERM");
      const grace = pod.terminationGracePeriodSeconds ?? 30;
      for (const drain of [config.shutdownTimeoutSeconds, defaults.shutdownTimeoutSeconds]) {
        assert.ok(grace > preStop + drain, `grace ${grace} s ≤ preStop ${preStop} s + drain ${drain} s`);
      }
    });

    it("runs as a non-root user on a read-only root filesystem with writable emptyDirs for DATA_DIR and /tmp", () => {
      const podSc = pod.securityContext ?? {};
      const sc = container.securityContext ?? {};
      assert.equal(sc.runAsNonRoot ?? podSc.runAsNonRoot, true, "runAsNonRoot");
      assert.equal(sc.readOnlyRootFilesystem, true, "readOnlyRootFilesystem");
      assert.equal(sc.allowPrivilegeEscalation, false, "allowPrivilegeEscalation");
      assert.ok(sc.capabilities?.drop?.includes("ALL"), "capabilities.drop: [ALL]");
      const user = last(runtime, "USER")!.split(":")[0]!;
      const uid = sc.runAsUser ?? podSc.runAsUser;
      if (!/^\d+$/.test(user)) {
        // The kubelet cannot check runAsNonRoot against a user name: it refuses to start the pod.
        assert.ok(Number.isInteger(uid) && uid > 0, `image USER ${user} is a name: set a numeric runAsUser`);
        if (user === "node") assert.equal(uid, 1000, "the node images' node user is uid 1000");
      } else if (uid !== undefined) {
        assert.equal(uid, Number(user));
      }
      for (const path of [config.dataDir, "/tmp"]) {
        const mount = (container.volumeMounts ?? []).find((m: Obj) => m.mountPath === path);
        assert.ok(mount, `nothing writable mounted at ${path}`);
        const volume = (pod.volumes ?? []).find((v: Obj) => v.name === mount.name);
        assert.ok(volume?.emptyDir, `${path} is not an emptyDir`);
        assert.notEqual(mount.readOnly, true, `${path} is mounted read-only`);
      }
    });

    it("sets resource requests and limits (requests ≤ limits)", () => {
      const { requests, limits } = container.resources ?? {};
      for (const r of ["cpu", "memory"]) {
        assert.ok(requests?.[r] !== undefined, `requests.${r}`);
        assert.ok(limits?.[r] !== undefined, `limits.${r}`);
        assert.ok(quantity(requests[r]) <= quantity(limits[r]), `${r}: request above limit`);
      }
    });

    it("autoscales the workload on CPU and on mxo_players_online per pod", () => {
      const hpas = all("HorizontalPodAutoscaler");
      assert.equal(hpas.length, 1);
      const hpa = hpas[0]!.spec;
      assert.deepEqual(
        [hpa.scaleTargetRef.apiVersion, hpa.scaleTargetRef.kind, hpa.scaleTargetRef.name],
        [workload.apiVersion, workload.kind, workload.metadata.name],
      );
      assert.equal(
        workload.spec.replicas,
        undefined,
        "the HPA owns replicas; a fixed count resets it on apply",
      );
      assert.ok(hpa.minReplicas >= 2, "minReplicas < 2: no pod takes players while one drains");
      assert.ok(hpa.maxReplicas >= hpa.minReplicas, "maxReplicas < minReplicas");
      assert.ok(
        hpa.metrics.some((m: Obj) => m.type === "Resource" && m.resource.name === "cpu"),
        "no CPU metric",
      );
      const players = hpa.metrics.find((m: Obj) => m.type === "Pods");
      assert.equal(players?.pods.metric.name, "mxo_players_online");
      assert.equal(players.pods.target.type, "AverageValue");
      assert.ok(quantity(players.pods.target.averageValue) > 0, "averageValue must be positive");
      assert.match(read("src/framework/metrics/metrics.ts"), /name: "mxo_players_online"/);
    });

    it("has a PodDisruptionBudget over the pods that leaves room to drain", () => {
      const pdbs = all("PodDisruptionBudget");
      assert.equal(pdbs.length, 1);
      const pdb = pdbs[0]!.spec;
      assert.ok(labelsMatch(pdb.selector.matchLabels, podLabels), "PDB selector vs pod labels");
      assert.ok(pdb.maxUnavailable !== undefined || pdb.minAvailable !== undefined, "PDB sets no budget");
      if (typeof pdb.minAvailable === "number") {
        const min = all("HorizontalPodAutoscaler")[0]?.spec.minReplicas ?? 1;
        assert.ok(pdb.minAvailable < min, "minAvailable ≥ replicas blocks every voluntary disruption");
      }
    });

    it("lets in only the game port, from named sources, and out only to PostgreSQL, Redis and DNS", () => {
      const policies = all("NetworkPolicy").filter((p) =>
        labelsMatch(p.spec.podSelector.matchLabels, podLabels),
      );
      assert.equal(policies.length, 1, "one NetworkPolicy selects the pods");
      const spec = policies[0]!.spec;
      assert.deepEqual([...spec.policyTypes].sort(), ["Egress", "Ingress"]);
      assert.ok(spec.ingress?.length > 0, "no ingress rule: nothing, not even the gateway, reaches the pods");
      for (const rule of spec.ingress) {
        assert.ok(rule.from?.length > 0, "an ingress rule without from admits every source");
        assert.ok(rule.ports?.length > 0, "an ingress rule without ports admits every port");
        for (const p of rule.ports) {
          assert.equal(portNumber(p.port), config.port, "ingress port is not the game port");
          assert.equal(p.protocol ?? "TCP", "TCP");
        }
      }
      const dbPort = Number(new URL(config.databaseUrl!).port || 5432);
      const redisPort = Number(new URL(config.redisUrl!).port || 6379);
      const egressPorts = new Set<number>();
      for (const rule of spec.egress ?? []) {
        assert.ok(rule.ports?.length > 0, "an egress rule without ports allows every port");
        for (const p of rule.ports) egressPorts.add(Number(p.port));
      }
      assert.deepEqual([...egressPorts].sort(), [53, dbPort, redisPort].sort());
    });

    it("scrapes /metrics on the game port if a ServiceMonitor is included", () => {
      for (const sm of all("ServiceMonitor")) {
        const services = all("Service").filter((s) =>
          labelsMatch(sm.spec.selector.matchLabels, s.metadata.labels),
        );
        assert.ok(services.length > 0, "the ServiceMonitor selects no Service");
        for (const ep of sm.spec.endpoints) {
          assert.equal(ep.path, "/metrics");
          assert.ok(routes.has(ep.path), `no route ${ep.path}`);
          for (const s of services) {
            const port = s.spec.ports.find((p: Obj) => p.name === ep.port);
            assert.ok(port, `Service ${s.metadata.name} has no port named ${ep.port}`);
            assert.ok(
              labelsMatch(s.spec.selector, podLabels),
              `Service ${s.metadata.name} does not select the pods`,
            );
            assert.equal(portNumber(port.targetPort ?? port.port), config.port);
          }
        }
      }
    });
  });

  describe("deploy/docker-compose.yml", () => {
    let services: Record<string, Obj>;
    let servers: [string, Obj][];
    let postgres: [string, Obj];
    let redis: [string, Obj];

    const byImage = (name: string) => {
      const found = Object.entries(services).filter(([, s]) => imageRef(String(s.image ?? "")).name === name);
      assert.equal(found.length, 1, `one ${name} service`);
      return found[0]!;
    };

    before(() => {
      const compose = parseYaml(readFileSync(COMPOSE_FILE, "utf8"), { merge: true });
      services = compose.services;
      servers = Object.entries(services).filter(([, s]) => {
        if (!s.build) return false;
        const context = resolve(
          dirname(COMPOSE_FILE),
          typeof s.build === "string" ? s.build : s.build.context,
        );
        return resolve(context, s.build.dockerfile ?? "Dockerfile") === DOCKERFILE;
      });
      postgres = byImage("postgres");
      redis = byImage("redis");
    });

    it("runs PostgreSQL and Redis on pinned images with health checks", () => {
      for (const [name, s] of [postgres, redis]) {
        assertPinned(s.image, name);
        const test = s.healthcheck?.test;
        assert.ok(test && s.healthcheck.disable !== true, `${name} has no healthcheck`);
      }
    });

    it("runs two servers built from the Dockerfile, after the database and Redis are healthy", () => {
      assert.equal(servers.length, 2, "two services build ../Dockerfile");
      for (const [name, s] of servers) {
        for (const dep of [postgres[0], redis[0]]) {
          assert.equal(s.depends_on?.[dep]?.condition, "service_healthy", `${name} → ${dep}`);
        }
      }
    });

    it("gives the servers only variables the server reads, and one shared database, Redis and secret", () => {
      const pgEnv = composeEnv(postgres[1]);
      const shared = new Set<string>();
      for (const [name, s] of servers) {
        const serviceEnv = composeEnv(s);
        const unknown = Object.keys(serviceEnv).filter((k) => !schemaKeys.has(k));
        assert.deepEqual(unknown, [], `${name}: names src/framework/config/config.ts does not know`);
        const config = configFor({ ...dockerEnv(runtime), ...serviceEnv });
        assert.ok(config.databaseUrl && config.redisUrl, `${name}: DATABASE_URL and REDIS_URL`);
        const db = new URL(config.databaseUrl);
        assert.equal(db.hostname, postgres[0]);
        assert.equal(Number(db.port || 5432), 5432);
        assert.equal(decodeURIComponent(db.username), pgEnv.POSTGRES_USER ?? "postgres");
        assert.equal(decodeURIComponent(db.password), pgEnv.POSTGRES_PASSWORD);
        assert.equal(db.pathname.slice(1), pgEnv.POSTGRES_DB ?? pgEnv.POSTGRES_USER ?? "postgres");
        const r = new URL(config.redisUrl);
        assert.equal(r.hostname, redis[0]);
        assert.equal(Number(r.port || 6379), 6379);
        shared.add(
          JSON.stringify([config.databaseUrl, config.redisUrl, config.jwtSecret, config.totpEncryptionKey]),
        );
      }
      assert.equal(
        shared.size,
        1,
        "every instance needs the same DATABASE_URL, REDIS_URL, JWT_SECRET and TOTP_ENCRYPTION_KEY",
      );
    });

    it("publishes each server on its own host port and advertises that port as PUBLIC_ADDRESS", () => {
      const hostPorts = new Set<number>();
      for (const [name, s] of servers) {
        const config = configFor({ ...dockerEnv(runtime), ...composeEnv(s) });
        const mapping = composePorts(s).find((p) => p.container === config.port);
        assert.ok(mapping?.host, `${name} does not publish its port ${config.port}`);
        hostPorts.add(mapping.host);
        const m = /^(localhost|127\.0\.0\.1):(\d+)$/.exec(config.publicAddress ?? "");
        assert.ok(m, `${name}: PUBLIC_ADDRESS ${config.publicAddress} is not localhost:<host port>`);
        assert.equal(Number(m[2]), mapping.host, `${name}: PUBLIC_ADDRESS port vs published port`);
      }
      assert.equal(hostPorts.size, servers.length, "host ports collide");
      assert.deepEqual([...hostPorts].sort(), [2567, 2568], "host ports 2567 and 2568");
    });

    it("waits longer than the drain before killing a server, and checks its health on /health", () => {
      for (const [name, s] of servers) {
        const config = configFor({ ...dockerEnv(runtime), ...composeEnv(s) });
        assert.ok(s.stop_grace_period, `${name}: no stop_grace_period (compose default 10 s)`);
        assert.ok(
          durationSeconds(s.stop_grace_period) > config.shutdownTimeoutSeconds,
          `${name}: stop_grace_period ${s.stop_grace_period} ≤ SHUTDOWN_TIMEOUT_SECONDS`,
        );
        const check = s.healthcheck
          ? s.healthcheck.disable
            ? undefined
            : JSON.stringify(s.healthcheck.test)
          : last(runtime, "HEALTHCHECK");
        assert.match(check ?? "", /\/health\b/, `${name}: no health check on /health`);
      }
    });
  });
});
