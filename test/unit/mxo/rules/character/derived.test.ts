import assert from "node:assert/strict";
import { deriveCharacter, hitChance } from "../../../../../src/mxo/rules/character/derived.js";
import { gearOf, NO_GEAR } from "../../../../../src/mxo/rules/character/equipment.js";
import { maxHealth, type CharacterStats } from "../../../../../src/mxo/rules/characterRules.js";
import { playerMaxIs } from "../../../../../src/mxo/rules/adapters.js";
import { pack } from "../simulation/helpers.js";

const FIVES: CharacterStats = { focus: 5, perception: 5, reason: 5, belief: 5, vitality: 5 };
const item = (id: string) => pack().item(id)!;

describe("derived figures", () => {
  it("match today's numbers for a fresh character without equipment", () => {
    const d = deriveCharacter({ stats: FIVES, level: 1, gear: NO_GEAR, basicHitChance: 0.9 });
    assert.equal(d.style, "melee");
    assert.equal(d.sheet.maxHp, maxHealth(FIVES, 1));
    assert.equal(d.sheet.maxIs, playerMaxIs(1));
    // The basic attack's content hit chance is what the sheet shows against standard defence.
    assert.equal(d.sheet.accuracy, 0.9);
    assert.equal(d.sheet.damage, 1);
    assert.equal(d.sheet.defence, 100);
    assert.deepEqual(d.sheet.resistance, { melee: 20, ranged: 20, viral: 20 });
    assert.deepEqual(d.combat.defence, { melee: 100, ranged: 100, viral: 100 });
  });

  it("follow each attribute point by the 2 %-per-point rule: vitality HP, belief IS and melee accuracy, focus damage", () => {
    const base = deriveCharacter({ stats: FIVES, level: 10, gear: NO_GEAR, basicHitChance: 0.5 }).sheet;
    const vit = deriveCharacter({ stats: { ...FIVES, vitality: 10 }, level: 10, gear: NO_GEAR }).sheet;
    assert.equal(vit.maxHp, base.maxHp + 5 * 20);
    assert.equal(vit.resistance.melee, 22); // 20 × 1.10
    const belief = deriveCharacter({
      stats: { ...FIVES, belief: 15 },
      level: 10,
      gear: NO_GEAR,
      basicHitChance: 0.5,
    });
    assert.equal(belief.sheet.maxIs, Math.round(playerMaxIs(10) * 1.2));
    assert.ok(belief.sheet.accuracy > base.accuracy, "belief raises melee accuracy");
    const focus = deriveCharacter({ stats: { ...FIVES, focus: 10 }, level: 10, gear: NO_GEAR }).sheet;
    assert.equal(focus.damage, 1.1);
    assert.equal(focus.defence, 110);
  });

  it("add equipment: attribute bonuses count as attributes, HP, defence, resistances, accuracy", () => {
    const gear = gearOf([
      item("c-black-trench"),
      item("c-kevlar-vest"),
      item("c-tactical-cap"),
      item("c-firewall-gloves"),
    ]);
    const d = deriveCharacter({ stats: FIVES, level: 30, gear, basicHitChance: 0.5 });
    assert.equal(d.sheet.stats.vitality, 6);
    assert.equal(d.sheet.maxHp, maxHealth({ ...FIVES, vitality: 6 }, 30) + 80);
    assert.equal(d.combat.defence.ranged, 120);
    assert.equal(d.sheet.defence, 120);
    assert.equal(d.sheet.resistance.viral, 30);
    // +5 % accuracy on a 50 % basic attack: the rating 100 × 1.05 against 100.
    assert.equal(d.sheet.accuracy, Math.round(hitChance(105, 100) * 1000) / 1000);
    assert.equal(d.combat.accuracy, 0.05);
    assert.equal(d.combat.styleAccuracy, 105);
  });

  it("take the style from the weapon: a melee weapon adds to close-combat damage, others do not", () => {
    const pipe = deriveCharacter({ stats: FIVES, level: 1, gear: gearOf([item("w-lead-pipe")]) });
    assert.equal(pipe.style, "melee");
    assert.equal(pipe.combat.styleDamageBonus, 8);
    const gun = deriveCharacter({
      stats: { ...FIVES, perception: 10 },
      level: 1,
      gear: gearOf([item("w-9mm-pistol")]),
    });
    assert.equal(gun.style, "ranged");
    assert.equal(gun.combat.styleDamageBonus, 0);
    assert.equal(gun.sheet.damage, 1.1, "perception raises ranged damage");
    assert.equal(
      deriveCharacter({ stats: FIVES, level: 5, gear: gearOf([item("w-spike-injector")]) }).style,
      "viral",
    );
  });

  it("hitChance is the opposed roll: 50 % between equals, never 0 or 1", () => {
    assert.equal(hitChance(100, 100), 0.5);
    assert.equal(hitChance(50, 100), 0.25);
    assert.equal(hitChance(200, 100), 0.75);
    assert.equal(hitChance(0, 100), 0);
  });
});
