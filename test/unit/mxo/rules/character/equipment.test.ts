import assert from "node:assert/strict";
import { checkEquip, gearOf, slotOf, WEAPON_SLOT } from "../../../../../src/mxo/rules/character/equipment.js";
import { pack } from "../simulation/helpers.js";

const item = (id: string) => {
  const def = pack().item(id);
  assert.ok(def, id);
  return def;
};

describe("equipment rules", () => {
  it("puts weapons in the weapon slot and clothing in its own; nothing else is equippable", () => {
    assert.equal(slotOf(item("w-lead-pipe")), WEAPON_SLOT);
    assert.equal(slotOf(item("c-black-trench")), "jacket");
    assert.equal(slotOf(item("cons-health-pack")), undefined);
    assert.equal(slotOf(item("mi-data-disk")), undefined);
  });

  it("refuses what is not equipment (not_equippable) and what needs a higher level (level_too_low), by name", () => {
    const pack = checkEquip(item("cons-health-pack"), 50);
    assert.deepEqual(pack.ok ? undefined : [pack.code, pack.message], [
      "not_equippable",
      "Health Pack cannot be worn or wielded",
    ]);
    const katana = checkEquip(item("w-katana"), 21);
    assert.equal(!katana.ok && katana.code, "level_too_low");
    assert.match(!katana.ok ? katana.message : "", /Katana needs level 22/);
    assert.deepEqual(checkEquip(item("w-katana"), 22), { ok: true, slot: "weapon" });
  });

  it("adds up every equipped item's bonuses, and takes the weapon's mean damage, type and range", () => {
    const gear = gearOf([
      item("w-desert-eagle"),
      item("c-black-trench"),
      item("c-kevlar-vest"),
      item("c-padded-cargo-pants"),
      item("c-firewall-gloves"),
      item("c-tactical-cap"),
    ]);
    assert.deepEqual(gear.stats, { focus: 0, perception: 1, reason: 0, belief: 0, vitality: 1 });
    assert.equal(gear.hp, 80);
    assert.equal(gear.defence, 2 + 18);
    assert.equal(gear.accuracy, 0.05);
    assert.deepEqual(gear.resistance, { melee: 6, ranged: 6, viral: 10 });
    assert.deepEqual(gear.weapon, { itemId: "w-desert-eagle", damageType: "ranged", damage: 23, range: 32 });
  });

  it("knows viral weapons", () => {
    assert.deepEqual(gearOf([item("w-spike-injector")]).weapon, {
      itemId: "w-spike-injector",
      damageType: "viral",
      damage: 9,
      range: 25,
    });
  });
});
