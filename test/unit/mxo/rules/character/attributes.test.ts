import assert from "node:assert/strict";
import {
  allocatePoint,
  ATTRIBUTE_CAP,
  pointsSpent,
  unspentPoints,
} from "../../../../../src/mxo/rules/character/attributes.js";
import type { CharacterStats } from "../../../../../src/mxo/rules/characterRules.js";

const FIVES: CharacterStats = { focus: 5, perception: 5, reason: 5, belief: 5, vitality: 5 };

describe("attribute points", () => {
  it("earns one point per level gained: none at level 1, 9 at level 10, 49 at level 50", () => {
    assert.equal(unspentPoints(FIVES, 1), 0);
    assert.equal(unspentPoints(FIVES, 10), 9);
    assert.equal(unspentPoints(FIVES, 50), 49);
  });

  it("counts what is spent from the attributes above the starting 25, so a GM's level or stat change moves it", () => {
    const spent = { ...FIVES, focus: 8, vitality: 6 };
    assert.equal(pointsSpent(spent), 4);
    assert.equal(unspentPoints(spent, 10), 5);
    // More spent than earned (a GM set an attribute): nothing to spend, never negative.
    assert.equal(unspentPoints({ ...FIVES, focus: 20 }, 3), 0);
    // Below 5 (an NPC-like stat block) does not create points.
    assert.equal(pointsSpent({ ...FIVES, reason: 1 }), 0);
  });

  it("spends one point on the chosen attribute and nothing else", () => {
    const result = allocatePoint(FIVES, 2, "belief");
    assert.ok(result.ok);
    assert.deepEqual(result.stats, { ...FIVES, belief: 6 });
    assert.equal(unspentPoints(result.stats, 2), 0);
    assert.deepEqual(FIVES.belief, 5, "the input is not changed");
  });

  it("refuses with no_points when every earned point is spent", () => {
    const result = allocatePoint(FIVES, 1, "focus");
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.code, "no_points");
    const spentAll = allocatePoint({ ...FIVES, focus: 6 }, 2, "focus");
    assert.equal(!spentAll.ok && spentAll.code, "no_points");
  });

  it(`refuses with stat_capped at ${ATTRIBUTE_CAP}, naming the attribute, while other attributes still take points`, () => {
    const capped = { ...FIVES, vitality: ATTRIBUTE_CAP };
    const refused = allocatePoint(capped, 50, "vitality");
    assert.equal(refused.ok, false);
    assert.equal(!refused.ok && refused.code, "stat_capped");
    assert.match(!refused.ok ? refused.message : "", /Vitality .*30/);
    assert.ok(allocatePoint(capped, 50, "focus").ok);
    // The cap is reachable: 25 points from 5.
    assert.ok(allocatePoint({ ...FIVES, vitality: ATTRIBUTE_CAP - 1 }, 50, "vitality").ok);
  });
});
