import assert from "node:assert/strict";
import { createCombatState, useAbility, type Combatant } from "../../../../../src/mxo/rules/combat/index.js";
import { ABILITIES, config, fighter } from "../combat/helpers.js";
import { FIVES, join, pack, sim } from "../simulation/helpers.js";
import { maxHealth } from "../../../../../src/mxo/rules/characterRules.js";

const EAGLE = { damageType: "ranged" as const, damage: 23, range: 40 };

/** One pistol shot from `shooter` at a target `distance` units away, on a fresh state seeded `seed`. */
function shoot(shooter: Combatant, distance: number, seed: number) {
  const state = createCombatState({ config: config(), seed, abilities: ABILITIES });
  const target = fighter("t", { hp: 1e6, maxHp: 1e6 });
  state.combatants.set(shooter.id, shooter);
  state.combatants.set(target.id, target);
  const positions = new Map([
    [shooter.id, { x: 0, y: 0 }],
    ["t", { x: distance, y: 0 }],
  ]);
  return useAbility(state, shooter.id, "pistol", "t", 0, positions);
}

describe("equipment in combat", () => {
  it("a weapon's range is the least its type's attacks reach; other types keep their own", () => {
    const bare = shoot(fighter("s"), 35, 1);
    assert.equal(!bare.ok && bare.error.code, "out_of_range");
    assert.ok(shoot(fighter("s", { gear: { accuracy: 0, weapon: EAGLE } }), 35, 1).ok);
    const viralWeapon = { accuracy: 0, weapon: { ...EAGLE, damageType: "viral" as const } };
    const wrongType = shoot(fighter("s", { gear: viralWeapon }), 35, 1);
    assert.equal(!wrongType.ok && wrongType.error.code, "out_of_range");
  });

  it("a weapon adds its mean damage to attacks of its type: the same rolls hit harder", () => {
    let compared = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const plain = shoot(fighter("s"), 10, seed);
      const armed = shoot(fighter("s", { gear: { accuracy: 0, weapon: EAGLE } }), 10, seed);
      assert.ok(plain.ok && armed.ok);
      const dealt = (r: typeof plain) =>
        r.ok ? r.events.find((e) => e.type === "damage")?.amount : undefined;
      if (dealt(plain) === undefined) continue;
      // 40 base → 63 with the weapon: the same spread and resistance, about 1.575×.
      assert.ok(dealt(armed)! > dealt(plain)! * 1.4, `seed ${seed}: ${dealt(armed)} vs ${dealt(plain)}`);
      compared++;
    }
    assert.ok(compared > 10);
  });

  it("equipment's accuracy lands more shots over many seeds", () => {
    const hits = (accuracy: number) => {
      let n = 0;
      for (let seed = 1; seed <= 400; seed++) {
        const r = shoot(fighter("s", { gear: { accuracy } }), 10, seed);
        if (r.ok && r.events.some((e) => e.type === "damage")) n++;
      }
      return n;
    };
    assert.ok(hits(0.5) > hits(0) + 40, `${hits(0.5)} vs ${hits(0)}`);
  });
});

describe("the character sheet in the simulation", () => {
  it("equipment changes the combatant at once and comes off cleanly; HP is clamped, never healed", () => {
    const s = sim();
    s.addPlayer(join("p", 100, 100, { level: 30 }));
    // The combatant is the live record: keep the numbers, not the object.
    const bare = structuredClone(s.combatant("p")!);
    const maxHp = maxHealth(FIVES, 30);
    assert.equal(bare.maxHp, maxHp);
    s.setEquipment("p", { jacket: "c-kevlar-vest", weapon: "w-katana", head: "c-tactical-cap" });
    const dressed = s.combatant("p")!;
    assert.equal(dressed.maxHp, maxHp + 80);
    assert.equal(dressed.hp, maxHp, "armour does not heal");
    assert.deepEqual(dressed.defence, { melee: 118, ranged: 118, viral: 118 });
    assert.equal(dressed.stats.belief, 6, "the katana's +1 belief");
    assert.equal(s.statsOf("p")!.belief, 5, "what is saved is the allocation");
    assert.deepEqual(dressed.gear?.weapon, { itemId: "w-katana", damageType: "melee", damage: 36, range: 3 });
    assert.equal(dressed.style.accuracy, 105);
    assert.equal(dressed.style.damage, bare.style.damage + 36);
    s.setEquipment("p", {});
    const undressed = s.combatant("p")!;
    assert.equal(undressed.maxHp, maxHp);
    assert.deepEqual(undressed.defence, { melee: 100, ranged: 100, viral: 100 });
    assert.equal(undressed.style.damage, bare.style.damage);
    assert.equal(undressed.gear?.weapon, undefined);
  });

  it("a character joining with equipment fights with it from the start", () => {
    const s = sim();
    s.addPlayer(join("p", 100, 100, { level: 30, equipment: { jacket: "c-kevlar-vest" } }));
    assert.equal(s.combatant("p")!.maxHp, maxHealth(FIVES, 30) + 80);
    assert.deepEqual(s.sheetOf("p")!.derived.maxHp, maxHealth(FIVES, 30) + 80);
  });

  it("points: a level-up grants one, allocate spends it and raises max HP at once, then no_points", () => {
    const s = sim();
    s.addPlayer(join("p", 100, 100));
    assert.equal(s.sheetOf("p")!.unspentPoints, 0);
    const refused = s.allocate("p", "vitality");
    assert.equal(!refused.ok && refused.code, "no_points");
    s.awardExperience("p", 100);
    s.step();
    const sheet = s.sheetOf("p")!;
    assert.deepEqual([sheet.level, sheet.unspentPoints, sheet.nextLevelAt], [2, 1, 400]);
    const before = s.combatant("p")!.maxHp;
    assert.ok(s.allocate("p", "vitality").ok);
    assert.equal(s.combatant("p")!.maxHp, before + 20);
    assert.equal(s.combatant("p")!.stats.vitality, 6);
    assert.equal(s.sheetOf("p")!.unspentPoints, 0);
    assert.equal(s.sheetOf("p")!.stats.vitality, 6);
  });

  it("a GM's level grants points; its stat change keeps the equipment's bonus on top", () => {
    const s = sim();
    s.addPlayer(join("p", 100, 100, { equipment: { eyewear: "c-mirrored-shades" } }));
    s.gmSetStat("p", "level", 10);
    assert.equal(s.sheetOf("p")!.unspentPoints, 9);
    s.gmSetStat("p", "perception", 8);
    assert.equal(s.sheetOf("p")!.unspentPoints, 6);
    assert.equal(s.combatant("p")!.stats.perception, 9);
    assert.equal(s.statsOf("p")!.perception, 8);
  });

  it("a consumable heals, starts its cooldown and reports item_used at the next step", () => {
    const s = sim();
    s.addPlayer(join("p", 100, 100, { hp: 50 }));
    const pack_ = pack().item("cons-health-pack")!;
    assert.ok(s.useItem("p", pack_).ok);
    assert.equal(s.player("p")!.hp, 110);
    const again = s.checkItemUse("p", pack_);
    assert.equal(!again.ok && again.code, "on_cooldown");
    assert.ok(s.checkItemUse("p", pack().item("cons-is-booster")!).ok, "cooldowns are per item");
    const used = s.step().find((e) => e.kind === "item_used");
    assert.deepEqual(used && [used.itemId, used.healed, used.hp], ["cons-health-pack", 60, 110]);
    for (let i = 0; i < 10 * 20; i++) s.step();
    assert.ok(s.checkItemUse("p", pack_).ok, "ready again after 10 s");
  });
});
