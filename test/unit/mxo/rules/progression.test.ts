import assert from "node:assert/strict";
import {
  experienceForLevel,
  experienceToNext,
  killExperience,
  levelForExperience,
  rollLoot,
} from "../../../../src/mxo/rules/index.js";
import { createRng } from "../../../../src/mxo/rules/npc/rng.js";

describe("game: progression", () => {
  it("level L → L + 1 takes 50 × L × (L + 1); totals add up", () => {
    assert.equal(experienceForLevel(1), 0);
    assert.equal(experienceForLevel(2), 100);
    assert.equal(experienceForLevel(3), 400);
    for (let level = 1; level < 50; level++) {
      assert.equal(experienceForLevel(level + 1) - experienceForLevel(level), experienceToNext(level));
    }
  });

  it("the level of a lifetime total, capped at 50", () => {
    assert.equal(levelForExperience(0), 1);
    assert.equal(levelForExperience(99), 1);
    assert.equal(levelForExperience(100), 2);
    assert.equal(levelForExperience(399), 2);
    assert.equal(levelForExperience(400), 3);
    assert.equal(levelForExperience(1e12), 50);
  });

  it("kill XP is the template's, scaled by combat's level-gap rule", () => {
    assert.equal(killExperience(16, 1, 1), 16);
    assert.equal(killExperience(100, 10, 15), 150); // +50% cap
    assert.equal(killExperience(100, 10, 30), 150);
    assert.equal(killExperience(100, 12, 10), 80); // −10% per level below
    assert.equal(killExperience(100, 20, 10), 0); // nothing from ten below
  });
});

describe("game: rollLoot", () => {
  const table = {
    id: "lt-test",
    entries: [
      { item: "always", chance: 1, min: 2, max: 4 },
      { item: "never", chance: 0, min: 1, max: 1 },
    ],
    info: { min: 5, max: 20 },
  };

  it("rolls each entry on its own, quantities and information within their ranges", () => {
    const rng = createRng(5);
    for (let i = 0; i < 200; i++) {
      const drop = rollLoot(table, rng);
      assert.equal(drop.items.length, 1);
      assert.equal(drop.items[0]!.itemId, "always");
      assert.ok(drop.items[0]!.quantity >= 2 && drop.items[0]!.quantity <= 4);
      assert.ok(Number.isInteger(drop.info) && drop.info >= 5 && drop.info <= 20);
    }
  });

  it("covers the whole quantity range and drops at about the stated chance", () => {
    const rng = createRng(6);
    const seen = new Set<number>();
    let drops = 0;
    for (let i = 0; i < 2000; i++) {
      const drop = rollLoot(
        { id: "x", entries: [{ item: "half", chance: 0.5, min: 1, max: 3 }], info: { min: 0, max: 0 } },
        rng,
      );
      if (drop.items[0]) {
        drops++;
        seen.add(drop.items[0].quantity);
      }
      assert.equal(drop.info, 0);
    }
    assert.deepEqual([...seen].sort(), [1, 2, 3]);
    assert.ok(Math.abs(drops / 2000 - 0.5) < 0.05, `${drops}`);
  });

  it("the same seed rolls the same loot", () => {
    const a = createRng(7);
    const b = createRng(7);
    for (let i = 0; i < 50; i++) assert.deepEqual(rollLoot(table, a), rollLoot(table, b));
  });
});
