import assert from "node:assert/strict";
import {
  addEffects,
  expireEffects,
  healAmount,
  MIN_SPEED_FACTOR,
  totals,
  type Effect,
} from "../../../../src/mxo/rules/effects.js";

const e = (over: Partial<Effect>): Effect => ({
  abilityId: "a-sprint",
  sourceId: "p",
  attribute: "speed",
  amount: 0.5,
  untilTick: 100,
  ...over,
});

describe("game: effects", () => {
  it("sums modifiers by attribute, with a floor on slows", () => {
    const t = totals([
      e({}),
      e({ abilityId: "x", attribute: "speed", amount: -0.3 }),
      e({ attribute: "defense", amount: 10 }),
      e({ attribute: "damage", amount: 0.1 }),
      e({ attribute: "stealth", amount: 1 }),
      e({ attribute: "vitality", amount: 2 }),
    ]);
    assert.ok(Math.abs(t.speed - 1.2) < 1e-9);
    assert.equal(t.defence, 10);
    assert.equal(t.damage, 0.1);
    assert.equal(t.stealth, true);
    assert.equal(t.stats.vitality, 2);
    assert.equal(totals([e({ amount: -5 })]).speed, MIN_SPEED_FACTOR);
  });

  it("recasting refreshes instead of stacking; other sources stack", () => {
    const once = addEffects([], [e({ untilTick: 50 })]);
    const twice = addEffects(once, [e({ untilTick: 90 })]);
    assert.equal(twice.length, 1);
    assert.equal(twice[0]!.untilTick, 90);
    assert.equal(addEffects(twice, [e({ sourceId: "q" })]).length, 2);
  });

  it("expires at its tick", () => {
    const list = [e({ untilTick: 10 }), e({ abilityId: "b", untilTick: 20 })];
    assert.equal(expireEffects(list, 9), list);
    assert.equal(expireEffects(list, 10).length, 1);
    assert.equal(expireEffects(list, 20).length, 0);
  });

  it("heals within the range, more with the stat", () => {
    assert.equal(healAmount({ min: 40, max: 60 }, 0, 5), 40);
    assert.equal(healAmount({ min: 40, max: 60 }, 0.999999, 5), 60);
    assert.equal(healAmount({ min: 40, max: 60 }, 0, 10), 44);
  });
});
