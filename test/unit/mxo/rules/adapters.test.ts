import assert from "node:assert/strict";
import {
  CLOSE_COMBAT_ABILITY,
  STANDARD_DEFENCE,
  accuracyRating,
  combatAbilities,
  districtCombatConfig,
  npcCombatant,
  playerCombatant,
  primaryAttack,
  starterLoadout,
  startsInterlock,
  toCombatAbility,
  toNpcTemplate,
  toSpawnZone,
} from "../../../../src/mxo/rules/index.js";
import { createCombatState, makeCombatConfig, useAbility } from "../../../../src/mxo/rules/combat/index.js";
import { createRng } from "../../../../src/mxo/rules/npc/rng.js";
import { randomPoint } from "../../../../src/mxo/rules/npc/stepNpc.js";
import { FIVES, district, editedPack, pack } from "./simulation/helpers.js";

/** The opposed roll's hit chance (combat README): a/(2d) below parity, 1 − d/(2a) above. */
function hitChance(accuracy: number, defence: number): number {
  return accuracy <= defence ? accuracy / (2 * defence) : 1 - defence / (2 * accuracy);
}

describe("game: adapters", () => {
  describe("abilities", () => {
    it("turns content accuracy into the rating that hits that often against standard defence", () => {
      for (const p of [0.1, 0.3, 0.5, 0.7, 0.85, 0.9, 0.95]) {
        assert.ok(Math.abs(hitChance(accuracyRating(p), STANDARD_DEFENCE) - p) < 1e-12, `p = ${p}`);
      }
      assert.ok(Math.abs(accuracyRating(0.9) - 500) < 1e-9);
      assert.ok(Number.isFinite(accuracyRating(1)), "1.0 is capped, not infinite");
      assert.equal(accuracyRating(0), 0);
    });

    it("maps an attack: mean damage, cooldown, IS cost, range, damage type", () => {
      const strike = toCombatAbility(pack().ability("a-strike")!);
      assert.deepEqual(strike, {
        id: "a-strike",
        damageType: "melee",
        range: 3,
        cooldownSeconds: 2,
        isCost: 0,
        accuracy: accuracyRating(0.9),
        damage: 15,
      });
      assert.equal(toCombatAbility(pack().ability("hk-viral-spike")!)?.damageType, "viral");
      assert.equal(toCombatAbility(pack().ability("a-shot")!)?.damageType, "ranged");
    });

    it("the opposed roll really hits about as often as content says", () => {
      const shot = toCombatAbility(pack().ability("a-shot")!)!; // 0.85
      const state = createCombatState({ config: makeCombatConfig(20), seed: 9, abilities: [shot] });
      const me = playerCombatant({ id: "me", level: 1, stats: FIVES, hp: 200, maxHp: 200 }, pack());
      const dummy = playerCombatant({ id: "dummy", level: 1, stats: FIVES, hp: 1e9, maxHp: 1e9 }, pack());
      state.combatants.set("me", me);
      state.combatants.set("dummy", dummy);
      const positions = new Map([
        ["me", { x: 0, y: 0 }],
        ["dummy", { x: 10, y: 0 }],
      ]);
      let hits = 0;
      const n = 4000;
      for (let i = 0; i < n; i++) {
        me.readyAt = {};
        const r = useAbility(state, "me", "a-shot", "dummy", i, positions);
        assert.ok(r.ok);
        if (r.events.some((e) => e.type === "damage")) hits++;
      }
      assert.ok(Math.abs(hits / n - 0.85) < 0.03, `hit rate ${hits / n}`);
    });

    it("only attack abilities are free attacks; interlock ones start close combat", () => {
      assert.equal(toCombatAbility(pack().ability("op-counter")!), undefined); // interlock
      assert.equal(toCombatAbility(pack().ability("a-recuperate")!), undefined); // heal
      assert.equal(toCombatAbility(pack().ability("a-sprint")!), undefined); // movement
      const ids = combatAbilities(pack()).map((a) => a.id);
      assert.ok(ids.includes("a-strike") && ids.includes("gm-head-shot"));
      assert.ok(!ids.includes("op-counter"));
      assert.ok(startsInterlock("op-counter", pack()));
      assert.ok(startsInterlock(CLOSE_COMBAT_ABILITY, pack()));
      assert.ok(!startsInterlock("a-strike", pack()));
    });
  });

  describe("NPC templates", () => {
    it("takes attack range and interval from the first attack ability", () => {
      const punk = pack().npc("rl-la-punk")!; // a-strike, a-shot
      assert.deepEqual(toNpcTemplate(punk, pack()), {
        id: "rl-la-punk",
        name: punk.name,
        level: 3,
        maxHp: 180,
        speed: 6,
        aggroRadius: 12,
        leashRadius: 60,
        attackRange: 3,
        abilityId: "a-strike",
        attackInterval: 2,
      });
      const ringleader = pack().npc("rl-de-ringleader")!; // a-shot first
      assert.equal(toNpcTemplate(ringleader, pack()).attackRange, 30);
      assert.equal(primaryAttack(pack().npc("wv-exile-sentinel")!, pack())?.id, "ma-flying-kick");
    });

    it("passive and defensive templates do not aggro", () => {
      const informant = toNpcTemplate(pack().npc("rl-informant")!, pack());
      assert.equal(informant.aggroRadius, 0);
      assert.equal(informant.abilityId, "");
      const edited = editedPack((json) => {
        json.npcs.find((n: any) => n.id === "rl-la-punk").behavior = "defensive";
      });
      assert.equal(toNpcTemplate(edited.npc("rl-la-punk")!, edited).aggroRadius, 0);
    });

    it("a fighter: template level, stats, hp, IS, its combat abilities", () => {
      const c = npcCombatant("z:0", pack().npc("rl-de-ringleader")!, pack());
      assert.equal(c.level, 9);
      assert.equal(c.hp, 714);
      assert.equal(c.maxIs, 140);
      assert.equal(c.is, 140);
      assert.deepEqual(c.loadout, ["a-shot", "op-precise-blow", "op-counter"]);
      assert.equal(c.stats.perception, 8);
      // op-counter's mean (24) is below the level curve (12 + 27); precise blow's 29.5 too.
      assert.equal(c.style.damage, 39);
    });
  });

  describe("players", () => {
    it("a level-1 loadout is Awakened's strike and shot plus the close-combat move", () => {
      assert.deepEqual(starterLoadout(1, pack()), ["a-strike", "a-shot", CLOSE_COMBAT_ABILITY]);
      // Higher Awakened abilities are movement and heals, which combat does not use.
      assert.deepEqual(starterLoadout(10, pack()), ["a-strike", "a-shot", CLOSE_COMBAT_ABILITY]);
    });

    it("a character as a fighter: given HP, IS 50 + 10 × level, full IS, standard defences", () => {
      const c = playerCombatant({ id: "p", level: 1, stats: FIVES, hp: 150, maxHp: 200 }, pack());
      assert.equal(c.hp, 150);
      assert.equal(c.maxHp, 200);
      assert.equal(c.maxIs, 60);
      assert.equal(c.is, 60);
      assert.deepEqual(c.defence, { melee: 100, ranged: 100, viral: 100 });
      assert.deepEqual(c.style, { accuracy: 100, damage: 15 });
      assert.equal(playerCombatant({ id: "p", level: 20, stats: FIVES, hp: 1, maxHp: 1 }, pack()).maxIs, 250);
    });
  });

  describe("spawn zones", () => {
    it("uses the square inscribed in the circle, so every point lies inside it", () => {
      const d = district("richland");
      const zone = d.spawnZones.find((z) => z.id === "rl-z-mara-punks")!; // radius 40
      const template = toNpcTemplate(pack().npc(zone.template)!, pack());
      const npcZone = toSpawnZone(zone, d.bounds, template);
      const half = 40 / Math.SQRT2;
      assert.ok(Math.abs(npcZone.area.maxX - npcZone.area.minX - 2 * half) < 1e-9);
      assert.equal(npcZone.count, zone.count);
      assert.equal(npcZone.respawnSeconds, zone.respawnSeconds);
      const rng = createRng(3);
      for (let i = 0; i < 500; i++) {
        const p = randomPoint(npcZone.area, rng);
        assert.ok(Math.hypot(p.x - zone.center.x, p.y - zone.center.y) <= zone.radius + 1e-9);
      }
    });

    it("clips to the district bounds", () => {
      const d = district("richland");
      const zone = { ...d.spawnZones[0]!, center: { x: 5, y: 2395, z: 0 }, radius: 100 };
      const template = toNpcTemplate(pack().npc(zone.template)!, pack());
      const { area } = toSpawnZone(zone, d.bounds, template);
      assert.deepEqual(area, {
        minX: 0,
        minY: 2395 - 100 / Math.SQRT2,
        maxX: 5 + 100 / Math.SQRT2,
        maxY: 2400,
      });
    });
  });

  it("the district's combatRules pick the interlock ruleset", () => {
    assert.equal(districtCombatConfig(district("richland"), 20).interlock.ruleset, "cr2");
    assert.equal(
      districtCombatConfig(district("richland", { combatRules: "CR1" }), 20).interlock.ruleset,
      "cr1",
    );
    assert.equal(districtCombatConfig(district("richland"), 20).interlock.roundTicks, 60);
  });
});
