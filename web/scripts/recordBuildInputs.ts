import { writeFileSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import type { Plugin } from "vite";

export const REPO_ROOT = resolve(import.meta.dirname, "../..");
export const WEB_BUILD_DIR = resolve(REPO_ROOT, "dist/web");
/** Written by every build: the repository files the bundle was made from. */
export const INPUTS_FILE = resolve(WEB_BUILD_DIR, "build-inputs.json");

export interface BuildInputs {
  builtAt: string;
  /** Repository-relative paths of every source module in the bundle (node_modules excluded). */
  files: string[];
}

/**
 * Records which of the repository's files went into the bundle, so
 * `ensureWebBuild` can tell a stale build from a fresh one without
 * hard-coding the list (the client also bundles server modules such as
 * src/framework/movement.ts, and that list changes as the code does).
 */
export function recordBuildInputs(): Plugin {
  return {
    name: "mxo-record-build-inputs",
    apply: "build",
    writeBundle() {
      const files = [...this.getModuleIds()]
        .map((id) => id.split("?")[0]!)
        .filter((id) => isAbsolute(id) && !id.includes("/node_modules/") && !id.startsWith("\0"))
        .map((id) => relative(REPO_ROOT, id))
        .filter((path) => !path.startsWith(".."));
      const inputs: BuildInputs = { builtAt: new Date().toISOString(), files: [...new Set(files)].sort() };
      writeFileSync(INPUTS_FILE, JSON.stringify(inputs, null, 2) + "\n");
    },
  };
}
