import assert from "node:assert/strict";
import {
  checkLoadout,
  knows,
  memoryBudget,
  MAX_LOADOUT_SLOTS,
  type LoadoutAbility,
} from "../../../../src/mxo/rules/loadout.js";

const ABILITIES: LoadoutAbility[] = [
  { id: "strike", requiredLevel: 1, memoryCost: 1, prerequisites: [], usable: true },
  { id: "shot", requiredLevel: 1, memoryCost: 1, prerequisites: [], usable: true },
  { id: "sprint", requiredLevel: 1, memoryCost: 1, prerequisites: [], usable: false },
  { id: "blow", requiredLevel: 6, memoryCost: 2, prerequisites: ["strike"], usable: true },
  { id: "kick", requiredLevel: 12, memoryCost: 4, prerequisites: ["blow"], usable: true },
  { id: "orphan", requiredLevel: 1, memoryCost: 1, prerequisites: ["missing"], usable: true },
  { id: "heavy", requiredLevel: 1, memoryCost: 9, prerequisites: [], usable: true },
];
const lookup = (id: string) => ABILITIES.find((a) => a.id === id);

describe("loadout rules", () => {
  it("the memory budget grows with level", () => {
    assert.equal(memoryBudget(1), 6);
    assert.equal(memoryBudget(10), 24);
    assert.ok(memoryBudget(20) > memoryBudget(19));
  });

  it("an ability is known once its level and every prerequisite, recursively, are reached", () => {
    assert.ok(knows("strike", 1, lookup));
    assert.ok(!knows("blow", 5, lookup));
    assert.ok(knows("blow", 6, lookup));
    assert.ok(!knows("kick", 11, lookup));
    assert.ok(knows("kick", 12, lookup));
    assert.ok(!knows("orphan", 50, lookup), "a missing prerequisite is never known");
  });

  it("accepts a loadout within budget and reports its memory", () => {
    assert.deepEqual(checkLoadout(["strike", "shot"], 1, lookup), { ok: true, memory: 2, budget: 6 });
    assert.deepEqual(checkLoadout([], 1, lookup), { ok: true, memory: 0, budget: 6 });
  });

  it("refuses each kind of bad loadout with its own code", () => {
    const code = (ids: string[], level: number) => {
      const r = checkLoadout(ids, level, lookup);
      return r.ok ? "ok" : r.code;
    };
    assert.equal(code(["heavy"], 1), "over_budget");
    assert.equal(code(["heavy"], 3), "ok");
    assert.equal(code(["blow"], 5), "ability_locked");
    assert.equal(code(["nope"], 5), "unknown_ability");
    assert.equal(code(["strike", "strike"], 5), "duplicate");
    assert.equal(code(["sprint"], 5), "not_usable");
    assert.equal(
      code(
        Array.from({ length: MAX_LOADOUT_SLOTS + 1 }, (_, i) => `x${i}`),
        50,
      ),
      "too_many",
    );
  });
});
