import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");
const pkg = JSON.parse(readFileSync(resolve(ROOT, "package.json"), "utf8")) as {
  name: string;
  exports: Record<string, { types: string; default: string } | string>;
};

/**
 * The framework's public entry as a package (issue 14 point 7): `exports`
 * names the built entry and its types. CI builds before it tests (.ci/run);
 * without a build there is nothing to check yet.
 */
describe("the package exports the framework's entry", () => {
  const entry = pkg.exports["."] as { types: string; default: string };

  it("names the built framework entry and its declarations", () => {
    assert.equal(entry.default, "./dist/src/framework/index.js");
    assert.equal(entry.types, "./dist/src/framework/index.d.ts");
  });

  it("resolves by the package's own name to the built entry, typed, with what a game uses", async function () {
    if (!existsSync(resolve(ROOT, entry.default))) this.skip(); // not built (npm run build)
    assert.ok(existsSync(resolve(ROOT, entry.types)), "declarations are built beside it");
    const types = readFileSync(resolve(ROOT, entry.types), "utf8");
    for (const name of [
      "ZoneRoom",
      "runGame",
      "startServer",
      "GameModule",
      "authorizeZoneJoin",
      "stepMovement",
    ])
      assert.match(types, new RegExp(`\\b${name}\\b`), name);
    const framework = (await import(pkg.name)) as Record<string, unknown>;
    for (const name of [
      "ZoneRoom",
      "runGame",
      "startServer",
      "authorizeZoneJoin",
      "stepMovement",
      "CloseCodes",
    ])
      assert.ok(framework[name], `${name} is exported`);
  });
});
