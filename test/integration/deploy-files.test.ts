/**
 * The deployment files, checked without Docker: the Dockerfile and
 * deploy/docker-compose.yml against the code they deploy (port, health check,
 * environment variable names, drain time, build output). The Kubernetes
 * manifests have their own test (k8s-manifests.test.ts).
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, posix, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { loadConfig, type Config } from "../../src/framework/config/config.js";
import {
  DOCKERFILE,
  ROOT,
  STRONG_SECRET,
  dockerEnv,
  dockerStages,
  envSchemaKeys,
  getRoutes,
  last,
  read,
  type Stage,
} from "../helpers/deployFacts.js";

const COMPOSE_FILE = join(ROOT, "deploy/docker-compose.yml");

/** A parsed YAML object; its shape is what the checks below are about. */
type Obj = Record<string, any>;

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
    stages = dockerStages();
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
      const engines: string = JSON.parse(read("package.json")).engines.node;
      const runtimeNode = majors.at(-1)!;
      // engines is a union of `^M.m.p` (that major from M.m) and `>=M.m.p` (from M.m on).
      const satisfied = engines.split("||").some((part) => {
        const m = /^\s*(\^|>=)\s*(\d+)\.(\d+)\.\d+\s*$/.exec(part);
        assert.ok(m, `package.json engines.node part ${JSON.stringify(part)} is neither ^M.m.p nor >=M.m.p`);
        const from: [number, number] = [Number(m[2]), Number(m[3])];
        return cmpVersion(runtimeNode, from) >= 0 && (m[1] === ">=" || runtimeNode[0] === from[0]);
      });
      assert.ok(satisfied, `runtime Node ${runtimeNode.join(".")} does not satisfy engines ${engines}`);
    });

    it("runs on a glibc image that a uWebSockets.js build's binary for its Node ABI accepts", () => {
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
      // "uWebSockets.js" is vendor/uwebsockets-select, which loads the first of these builds that loads.
      const builds = ["@btc-vision/uwebsockets.js", "@trufflesuite/uws-js-unofficial/binaries"];
      for (const arch of ["x64", "arm64"]) {
        const tried = builds.map((build) => {
          const binary = join(ROOT, "node_modules", build, `uws_linux_${arch}_${abi}.node`);
          if (!existsSync(binary)) return { build, loads: false, why: "no binary" };
          const needs = requiredGlibc(binary);
          return {
            build,
            loads: cmpVersion(DEBIAN_GLIBC[release]!, needs) >= 0,
            why: `needs glibc ${needs.join(".")}`,
          };
        });
        assert.ok(
          tried.some((t) => t.loads),
          `no uWebSockets.js build loads on ${release} (glibc ${DEBIAN_GLIBC[release]!.join(".")}), linux ${arch}, ` +
            `Node ${major}: ${tried.map((t) => `${t.build}: ${t.why}`).join("; ")}`,
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
