/**
 * Builds the web pages (dist/web) when they are missing or older than their
 * sources; does nothing otherwise. Run before `npm start` (the `prestart`
 * script) and by the browser tests, so a fresh checkout serves /play and
 * /admin without a separate step and an edited client is never served stale.
 *
 *   node --import tsx web/scripts/ensureWebBuild.ts
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { INPUTS_FILE, REPO_ROOT, type BuildInputs } from "./recordBuildInputs.js";

export type WebBuildState =
  { status: "fresh" } | { status: "missing" } | { status: "stale"; because: string };

/** Files that shape the build without being modules of it. */
const BUILD_FILES = ["package-lock.json", "web/vite.config.ts", "web/scripts/recordBuildInputs.ts"];

export function webBuildState(): WebBuildState {
  if (!existsSync(INPUTS_FILE)) return { status: "missing" };
  const builtAt = statSync(INPUTS_FILE).mtimeMs;
  let inputs: BuildInputs;
  try {
    inputs = JSON.parse(readFileSync(INPUTS_FILE, "utf8")) as BuildInputs;
  } catch {
    return { status: "stale", because: "unreadable build-inputs.json" };
  }
  for (const file of [...BUILD_FILES, ...inputs.files]) {
    const path = resolve(REPO_ROOT, file);
    if (!existsSync(path)) return { status: "stale", because: `${file} is gone` };
    if (statSync(path).mtimeMs > builtAt) return { status: "stale", because: `${file} changed` };
  }
  return { status: "fresh" };
}

/** The vite CLI, or undefined when dev dependencies were not installed. */
function viteBin(): string | undefined {
  try {
    const pkg = createRequire(import.meta.url).resolve("vite/package.json");
    return resolve(pkg, "..", "bin/vite.js");
  } catch {
    return undefined;
  }
}

export type EnsureResult = "fresh" | "built" | "unavailable";

/** Builds when needed; throws when the build itself fails. */
export function ensureWebBuild(log: (line: string) => void = console.log): EnsureResult {
  const state = webBuildState();
  if (state.status === "fresh") return "fresh";
  const bin = viteBin();
  if (!bin) {
    log(
      `web pages ${state.status === "missing" ? "are not built" : "are out of date"} and vite is not installed ` +
        "(npm ci without dev dependencies?): install dev dependencies and run `npm run build:web`",
    );
    return "unavailable";
  }
  log(`building the web pages (${state.status === "missing" ? "not built yet" : state.because})…`);
  const run = spawnSync(
    process.execPath,
    [bin, "build", "--config", "web/vite.config.ts", "--logLevel", "warn"],
    {
      cwd: REPO_ROOT,
      stdio: "inherit",
    },
  );
  if (run.status !== 0) throw new Error(`vite build failed (exit ${run.status ?? run.signal})`);
  return "built";
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    ensureWebBuild();
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}
