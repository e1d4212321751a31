import assert from "node:assert/strict";
import { checkUse, consume, itemEffectId } from "../../../../../src/mxo/rules/character/consumables.js";
import { pack } from "../simulation/helpers.js";

const item = (id: string) => pack().item(id)!;
const NOW = { alive: true, tick: 100, readyTick: 0, tickRate: 20 };

describe("consumables", () => {
  it("heals up to the maximum and starts the item's cooldown", () => {
    const used = consume(
      item("cons-health-pack"),
      { id: "p", hp: 100, maxHp: 140, is: 10, maxIs: 60 },
      100,
      20,
    );
    assert.deepEqual([used.hp, used.healed, used.is, used.restored], [140, 40, 10, 0]);
    assert.equal(used.readyTick, 100 + 10 * 20);
    assert.deepEqual(used.effects, []);
  });

  it("restores Inner Strength, and timed modifiers run under the item's own id", () => {
    const booster = consume(item("cons-is-booster"), { id: "p", hp: 1, maxHp: 100, is: 5, maxIs: 60 }, 0, 20);
    assert.deepEqual([booster.is, booster.restored], [45, 40]);
    const stim = consume(item("cons-neural-stim"), { id: "p", hp: 1, maxHp: 100, is: 5, maxIs: 60 }, 40, 20);
    assert.deepEqual(stim.effects, [
      {
        abilityId: itemEffectId("cons-neural-stim"),
        sourceId: "p",
        attribute: "accuracy",
        amount: 0.1,
        untilTick: 40 + 1200,
      },
    ]);
  });

  it("refuses what is not a consumable, and a defeated player (not_usable)", () => {
    const pipe = checkUse(item("w-lead-pipe"), NOW);
    assert.deepEqual(pipe.ok ? undefined : [pipe.code, pipe.message], [
      "not_usable",
      "Lead Pipe cannot be used",
    ]);
    const dead = checkUse(item("cons-health-pack"), { ...NOW, alive: false });
    assert.equal(!dead.ok && dead.code, "not_usable");
  });

  it("refuses while cooling down, naming the item and the seconds left; ready again at exactly its tick", () => {
    const cooling = checkUse(item("cons-health-pack"), { ...NOW, readyTick: 100 + 61 });
    assert.deepEqual(cooling.ok ? undefined : [cooling.code, cooling.message], [
      "on_cooldown",
      "Health Pack can be used again in 4 s",
    ]);
    assert.ok(checkUse(item("cons-health-pack"), { ...NOW, readyTick: 100 }).ok);
  });
});
