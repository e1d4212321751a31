/**
 * What the code says, for the tests that check deployment files against it
 * (deploy-files.test.ts, k8s-manifests.test.ts): the variables the server
 * reads, the GET routes it serves, and the Dockerfile's stages.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");
export const DOCKERFILE = resolve(ROOT, "Dockerfile");
/** Long enough for JWT_SECRET and TOTP_ENCRYPTION_KEY in production. */
export const STRONG_SECRET = "x".repeat(48);

export const read = (file: string) => readFileSync(resolve(ROOT, file), "utf8");

/** The keys of `const EnvSchema = z.object({ … })`: every variable the server reads. */
export function envSchemaKeys(): Set<string> {
  const block = /const EnvSchema = z\.object\(\{\n([\s\S]*?)\n\}\);/.exec(
    read("src/framework/config/config.ts"),
  );
  assert.ok(block, "const EnvSchema = z.object({ … }); not found in src/framework/config/config.ts");
  return new Set([...block[1]!.matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]!));
}

/** Paths served with GET by the framework's HTTP modules (src/framework/http, any file). */
export function getRoutes(): Set<string> {
  // Routes are registered through ApiRouter specs: `{ method: "get", path: "/health", … }`,
  // in routes.ts and the modules it delegates to (probeRoutes.ts, admin/…).
  const dir = resolve(ROOT, "src/framework/http");
  const files = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));
  const paths = files.flatMap((f) =>
    [...readFileSync(join(dir, f), "utf8").matchAll(/method:\s*"get",\s*path:\s*"([^"]+)"/g)].map(
      (m) => m[1]!,
    ),
  );
  return new Set(paths);
}

// ---------------------------------------------------------------------------
// Dockerfile

export interface Instruction {
  op: string;
  args: string;
}
export interface Stage {
  from: string;
  name: string | undefined;
  instructions: Instruction[];
}

/** Instructions with continuation lines joined and comments dropped, split into stages. */
export function parseDockerfile(text: string): { stages: Stage[] } {
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

export function dockerEnv(stage: Stage): Record<string, string> {
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

export const last = (stage: Stage, op: string) => stage.instructions.filter((i) => i.op === op).at(-1)?.args;
/** The Dockerfile's stages; the last is the image's runtime. */
export const dockerStages = (): Stage[] => parseDockerfile(readFileSync(DOCKERFILE, "utf8")).stages;
