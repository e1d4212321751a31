import { readFileSync } from "node:fs";

/** From package.json, found relative to this file both under tsx (src/framework/util) and built (dist/src/framework/util). */
function readVersion(): string {
  for (const rel of ["../../../package.json", "../../../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === "mxo-server" && pkg.version) return pkg.version;
    } catch {
      // try the next location
    }
  }
  return "0.0.0";
}

export const PACKAGE_VERSION = readVersion();
