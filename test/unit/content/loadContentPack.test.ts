import assert from "node:assert/strict";
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ContentError, type ContentIssue } from "../../../src/mxo/content/ContentError.js";
import { loadContentPack, PACK_FILE_KEYS } from "../../../src/mxo/content/loadContentPack.js";
import { minimalPack } from "./fixtures.js";

describe("content: loadContentPack", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "mxo-pack-test-"));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** Writes a pack object as the files of a pack directory. */
  function writePack(pack: any): void {
    for (const [file, keys] of PACK_FILE_KEYS) {
      writeFileSync(
        join(dir, file),
        JSON.stringify(Object.fromEntries(keys.map((k) => [k, pack[k]])), null, 2),
      );
    }
  }

  function loadError(): ContentError {
    let caught: unknown;
    try {
      loadContentPack(dir);
    } catch (err) {
      caught = err;
    }
    assert.ok(caught instanceof ContentError, `expected ContentError, got ${String(caught)}`);
    return caught;
  }

  function only(err: ContentError): ContentIssue {
    assert.equal(err.issues.length, 1, err.message);
    return err.issues[0]!;
  }

  it("maps every pack key to one file", () => {
    assert.deepEqual(Object.fromEntries(PACK_FILE_KEYS), {
      "pack.json": ["version"],
      "districts.json": ["districts"],
      "items.json": ["items"],
      "abilities.json": ["abilities"],
      "npcs.json": ["npcs"],
      "loot.json": ["lootTables"],
      "missions.json": ["contacts", "missions"],
    });
  });

  it("loads a pack directory", () => {
    writePack(minimalPack());
    const pack = loadContentPack(dir);
    assert.deepEqual(
      pack.districts.map((d) => d.id),
      ["testville", "otherton"],
    );
    assert.equal(pack.npc("punk")?.lootTable, "punks");
  });

  it("reports a missing file once, without failing every reference into it", () => {
    writePack(minimalPack());
    unlinkSync(join(dir, "items.json"));
    const issue = only(loadError());
    assert.equal(issue.file, "items.json");
    assert.equal(issue.path, "(root)");
    assert.match(issue.message, /ENOENT/);
  });

  it("reports a file that is not JSON", () => {
    writePack(minimalPack());
    writeFileSync(join(dir, "npcs.json"), "{ npcs: [");
    const issue = only(loadError());
    assert.equal(issue.file, "npcs.json");
    assert.match(issue.message, /^not valid JSON: /);
  });

  it("reports a file whose JSON is not an object", () => {
    writePack(minimalPack());
    writeFileSync(join(dir, "loot.json"), "[]");
    const issue = only(loadError());
    assert.deepEqual(issue, {
      file: "loot.json",
      path: "(root)",
      message: "expected an object with lootTables",
    });
  });

  it("reports an unknown top-level key in a file", () => {
    const pack = minimalPack();
    writePack(pack);
    writeFileSync(
      join(dir, "missions.json"),
      JSON.stringify({ contacts: pack.contacts, missions: pack.missions, quests: [] }),
    );
    const issue = only(loadError());
    assert.deepEqual(issue, {
      file: "missions.json",
      path: "quests",
      message: "unknown key; missions.json holds contacts and missions",
    });
  });

  it("reports a key missing from its file", () => {
    const pack = minimalPack();
    writePack(pack);
    writeFileSync(join(dir, "missions.json"), JSON.stringify({ missions: pack.missions }));
    const err = loadError();
    assert.ok(
      err.issues.some(
        (i) => i.file === "missions.json" && i.path === "contacts" && /got nothing/.test(i.message),
      ),
      err.message,
    );
  });

  it("throws one ContentError listing every problem in every file as `file: path: reason`", () => {
    const pack = minimalPack();
    pack.npcs[0].lootTable = "nope";
    pack.districts[0].hardlines[0].x = -10;
    writePack(pack);
    writeFileSync(join(dir, "abilities.json"), "not json");
    const err = loadError();
    assert.equal(err.name, "ContentError");
    const lines = err.message.split("\n");
    assert.equal(lines[0], `Invalid content pack in ${dir} (3 problems):`);
    assert.equal(lines.length, 4, err.message);
    assert.ok(
      lines.includes(
        "  - districts.json: districts.0.hardlines.0: hardline tv-gate is outside the bounds (testville)",
      ),
    );
    assert.ok(
      lines.includes('  - npcs.json: npcs.0.lootTable: loot table "nope" does not exist in loot.json (punk)'),
    );
    assert.ok(lines.some((l) => l.startsWith("  - abilities.json: (root): not valid JSON: ")));
  });
});
