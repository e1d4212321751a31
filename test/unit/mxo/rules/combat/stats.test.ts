import assert from "node:assert/strict";
import {
  DAMAGE_TYPES,
  LEVEL_CAP,
  STATS,
  STAT_INFLUENCES,
  influence,
  levelModifier,
  rated,
  resistanceReduction,
  rollDamage,
  statBonus,
  xpReward,
  type Attribute,
} from "../../../../../src/mxo/rules/combat/index.js";
import { FIVES } from "./helpers.js";

const close = (actual: number, expected: number, what = "value") =>
  assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: expected ${expected}, got ${actual}`);

describe("combat: stat influences", () => {
  it("adds 2% per point above 5 and nothing at or below 5", () => {
    close(statBonus(5), 0);
    close(statBonus(6), 0.02);
    close(statBonus(10), 0.1);
    close(statBonus(25), 0.4);
    close(statBonus(3), 0);
    close(statBonus(0), 0);
  });

  it("applies a stat's bonus only to the attributes it influences", () => {
    const focused = { ...FIVES, focus: 15 };
    close(influence(focused, "meleeDamage"), 0.2);
    close(influence(focused, "rangedAccuracy"), 0.2);
    close(influence(focused, "meleeDefence"), 0.2);
    close(influence(focused, "rangedResistance"), 0.2);
    close(influence(focused, "meleeAccuracy"), 0, "belief, not focus, drives melee accuracy");
    close(influence(focused, "viralDamage"), 0);
    close(rated(50, focused, "meleeDamage"), 60);
    close(rated(50, focused, "viralDamage"), 50);
  });

  it("maps every attribute to exactly one stat", () => {
    const all: Attribute[] = [
      ...DAMAGE_TYPES.flatMap((t) =>
        (["Accuracy", "Damage", "Defence", "Resistance"] as const).map((k): Attribute => `${t}${k}`),
      ),
      "innerStrength",
    ];
    const mapped = STATS.flatMap((s) => STAT_INFLUENCES[s]);
    assert.deepEqual([...mapped].sort(), [...all].sort());
    for (const stat of STATS) {
      const one = { ...FIVES, [stat]: 10 };
      for (const attribute of all) {
        const expected = STAT_INFLUENCES[stat].includes(attribute) ? 0.1 : 0;
        close(influence(one, attribute), expected, `${stat} → ${attribute}`);
      }
    }
  });
});

describe("combat: level modifier", () => {
  it("is about 3% per level for small gaps, zero at parity, and antisymmetric", () => {
    assert.equal(levelModifier(0), 0);
    const one = levelModifier(1);
    assert.ok(one > 0.024 && one <= 0.03, `one level: ${one}`);
    for (const d of [1, 2, 5, 17]) close(levelModifier(-d), -levelModifier(d));
  });

  it("grows monotonically but stays below the cap however large the gap", () => {
    let previous = 0;
    for (let d = 1; d <= 100; d++) {
      const m = levelModifier(d);
      assert.ok(m > previous, `not increasing at ${d}`);
      assert.ok(m < LEVEL_CAP);
      previous = m;
    }
    assert.ok(levelModifier(1000) < LEVEL_CAP);
  });

  it("is smooth: no jump between neighbouring fractional gaps", () => {
    for (let d = -20; d <= 20; d += 0.01) {
      assert.ok(Math.abs(levelModifier(d + 0.01) - levelModifier(d)) < 0.0004);
    }
  });
});

describe("combat: XP reward", () => {
  it("pays the base at parity, more for harder kills (capped), less for easier ones", () => {
    assert.equal(xpReward(10, 10), 240);
    assert.equal(xpReward(10, 12), Math.round(280 * 1.2));
    assert.equal(xpReward(10, 30), Math.round(640 * 1.5));
    assert.equal(xpReward(10, 8), Math.round(200 * 0.8));
    assert.equal(xpReward(20, 10), 0);
    assert.equal(xpReward(50, 10), 0);
  });

  it("never decreases as the victim's level rises for a fixed killer", () => {
    for (let victim = 1; victim < 60; victim++) assert.ok(xpReward(25, victim + 1) >= xpReward(25, victim));
  });
});

describe("combat: damage and resistance", () => {
  it("has diminishing returns and never reaches immunity", () => {
    assert.equal(resistanceReduction(0), 0);
    assert.equal(resistanceReduction(-10), 0);
    close(resistanceReduction(100), 0.5);
    assert.ok(resistanceReduction(1e9) < 1);
  });

  it("spreads by ±variance around the mean and always deals at least 1", () => {
    assert.equal(rollDamage(100, 0, 0.1, 0), 90);
    assert.equal(rollDamage(100, 0.5, 0.1, 0), 100);
    assert.equal(rollDamage(100, 0.999999, 0.1, 0), 110);
    assert.equal(rollDamage(100, 0.5, 0.1, 100), 50);
    assert.equal(rollDamage(1, 0, 0.1, 1e9), 1);
  });
});
