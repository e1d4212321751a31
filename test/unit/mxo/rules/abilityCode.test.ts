import assert from "node:assert/strict";
import { loadContentPack } from "../../../../src/mxo/content/loadContentPack.js";
import {
  codeIndex,
  grantedAtJoin,
  hasAcquired,
  starterAbilities,
} from "../../../../src/mxo/rules/abilityCode.js";
import { checkLoadout, knows, type LoadoutAbility } from "../../../../src/mxo/rules/loadout.js";

const ABILITIES = [
  { id: "strike", tree: "awakened", requiredLevel: 1 },
  { id: "sprint", tree: "awakened", requiredLevel: 1 },
  { id: "recuperate", tree: "awakened", requiredLevel: 2 },
  { id: "blow", tree: "operative", requiredLevel: 6 },
];
const LOADOUT: LoadoutAbility[] = [
  { id: "strike", name: "Strike", requiredLevel: 1, memoryCost: 1, prerequisites: [], usable: true },
  { id: "recuperate", name: "Recuperate", requiredLevel: 2, memoryCost: 1, prerequisites: [], usable: true },
  {
    id: "blow",
    name: "Precise Blow",
    requiredLevel: 6,
    memoryCost: 2,
    prerequisites: ["strike"],
    usable: true,
  },
  { id: "counter", name: "Counter", requiredLevel: 8, memoryCost: 3, prerequisites: ["blow"], usable: true },
];
const lookup = (id: string) => LOADOUT.find((a) => a.id === id);

describe("ability code rules", () => {
  it("the starter set is the Awakened tree's level-1 abilities", () => {
    assert.deepEqual(starterAbilities(ABILITIES), ["strike", "sprint"]);
  });

  it("a stored set is kept; a character stored before ability code keeps what its level loads, with the starter set", () => {
    assert.deepEqual(
      grantedAtJoin(["blow"], ABILITIES, () => true),
      ["blow"],
    );
    assert.deepEqual(
      grantedAtJoin(null, ABILITIES, () => false),
      ["strike", "sprint"],
      "a new character",
    );
    const level6 = (id: string) => ["strike", "recuperate", "blow"].includes(id);
    assert.deepEqual(grantedAtJoin(null, ABILITIES, level6), ["strike", "sprint", "recuperate", "blow"]);
  });

  it("acquired: granted, or its code held", () => {
    const index = codeIndex([{ id: "code-blow", teaches: "blow" }, { id: "pipe" }]);
    const codeFor = (id: string) => index.get(id) ?? [];
    assert.deepEqual([...index], [["blow", ["code-blow"]]]);
    assert.ok(hasAcquired("strike", ["strike"], () => 0, codeFor));
    assert.ok(!hasAcquired("blow", ["strike"], () => 0, codeFor));
    assert.ok(hasAcquired("blow", ["strike"], (item) => (item === "code-blow" ? 1 : 0), codeFor));
    assert.ok(!hasAcquired("blow", null, () => 0, codeFor));
  });

  it("the loadout refuses an ability not acquired, naming it, and one whose prerequisite is not acquired", () => {
    const acquired = (id: string) => id === "strike" || id === "counter";
    const r = checkLoadout(["blow"], 10, lookup, acquired);
    assert.deepEqual(r, {
      ok: false,
      code: "ability_locked",
      message: "You have not acquired Precise Blow: buy its code from a vendor, or earn it",
    });
    const pre = checkLoadout(["counter"], 10, lookup, acquired);
    assert.deepEqual(pre, { ok: false, code: "ability_locked", message: "Counter needs Precise Blow first" });
    assert.equal(checkLoadout(["blow"], 10, lookup, () => true).ok, true);
    assert.ok(!knows("blow", 10, lookup, acquired));
    assert.ok(knows("blow", 10, lookup), "without ability code every ability counts as acquired");
    const level = checkLoadout(["blow"], 5, lookup, () => true);
    assert.equal(level.ok ? "" : level.message, "Precise Blow needs level 6");
  });

  it("the shipped pack has code for every ability above the starter set, bound to its owner", () => {
    const pack = loadContentPack("content");
    const index = codeIndex(pack.items);
    const starter = new Set(starterAbilities(pack.abilities));
    for (const a of pack.abilities) {
      if (starter.has(a.id)) continue;
      const codes = index.get(a.id) ?? [];
      assert.equal(codes.length, 1, `code for ${a.id}`);
      const item = pack.item(codes[0]!)!;
      assert.equal(item.tradeable, false, `${item.id} is not tradeable`);
      assert.equal(item.requiredLevel, a.requiredLevel);
    }
    const sold = new Set(
      pack.districts.flatMap((d) => d.vendors.flatMap((v) => v.sells.map((w) => w.itemId))),
    );
    for (const codes of index.values()) assert.ok(sold.has(codes[0]!), `${codes[0]} is sold somewhere`);
  });
});
