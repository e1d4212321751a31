import assert from "node:assert/strict";
import { ContentPack } from "../../../src/mxo/content/ContentPack.js";
import { DistrictCatalog } from "../../../src/mxo/content/districts.js";
import { validateContentPack } from "../../../src/mxo/content/validateContentPack.js";
import { minimalPack } from "./fixtures.js";

function valid(): ContentPack {
  const result = validateContentPack(minimalPack());
  assert.ok(result.ok);
  return result.pack;
}

describe("content: ContentPack", () => {
  it("looks entries up by id, undefined when absent", () => {
    const pack = valid();
    assert.equal(pack.district("testville")?.name, "Testville");
    assert.equal(pack.item("pipe")?.kind, "weapon");
    assert.equal(pack.ability("stance")?.tree, "operative");
    assert.equal(pack.npc("punk")?.faction, "lost_angels");
    assert.equal(pack.lootTable("punks")?.entries.length, 2);
    assert.equal(pack.mission("second")?.prerequisites[0], "first");
    assert.equal(pack.contact("tyndall")?.organization, "zion");
    for (const missing of [
      pack.district("zion"),
      pack.item("spoon"),
      pack.ability("fly"),
      pack.npc("neo"),
      pack.lootTable("x1"),
      pack.mission("x1"),
      pack.contact("x1"),
      pack.hardline("x1"),
    ]) {
      assert.equal(missing, undefined);
    }
  });

  it("finds a hardline by id with its district", () => {
    const found = valid().hardline("ot-gate");
    assert.equal(found?.district.id, "otherton");
    assert.equal(found?.hardline.name, "Gate");
  });

  it("lists by tree, district and spawn", () => {
    const pack = valid();
    assert.deepEqual(
      pack.abilitiesIn("operative").map((a) => a.id),
      ["stance"],
    );
    assert.deepEqual(pack.abilitiesIn("spy"), []);
    assert.deepEqual(
      pack.missionsIn("otherton").map((m) => m.id),
      ["second"],
    );
    assert.deepEqual(
      pack.contactsIn("testville").map((c) => c.id),
      ["tyndall"],
    );
    assert.deepEqual(
      pack.npcsSpawnedIn("testville").map((n) => n.id),
      ["punk"],
    );
    assert.deepEqual(pack.npcsSpawnedIn("otherton"), []);
    assert.deepEqual(pack.npcsSpawnedIn("nowhere"), []);
  });

  it("is frozen all the way down: rooms share it, a deploy replaces it", () => {
    const pack = valid();
    assert.throws(() => {
      (pack.npc("punk") as any).hp = 1;
    }, TypeError);
    assert.throws(() => {
      (pack.districts as any[]).push({});
    }, TypeError);
    assert.throws(() => {
      (pack.district("testville")!.spawnZones[0]!.center as any).x = 0;
    }, TypeError);
  });

  it("serializes to the pack object", () => {
    const pack = valid();
    const json = JSON.parse(JSON.stringify(pack));
    assert.deepEqual(Object.keys(json).sort(), [
      "abilities",
      "contacts",
      "districts",
      "items",
      "lootTables",
      "missions",
      "npcs",
      "version",
    ]);
    assert.equal(json.version, 1);
    assert.deepEqual(json, pack.toJSON());
  });

  it("validates again as itself", () => {
    const pack = valid();
    const again = validateContentPack(pack);
    assert.ok(again.ok);
    assert.deepEqual(again.pack.toJSON(), pack.toJSON());
  });

  it("builds a DistrictCatalog that behaves like one loaded from districts.json", () => {
    const catalog = DistrictCatalog.fromPack(valid());
    assert.deepEqual(catalog.ids(), ["testville", "otherton"]);
    assert.equal(catalog.get("otherton")?.bounds.maxX, 500);
    assert.deepEqual(
      catalog.arrivalPoint("testville", () => 0),
      { x: 500, y: 500, z: 0 },
    );
    assert.throws(() => catalog.arrivalPoint("zion"), /unknown district zion/);
  });
});
