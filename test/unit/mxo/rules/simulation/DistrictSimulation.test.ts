import assert from "node:assert/strict";
import { figure } from "../../../../helpers/figures.js";
import {
  CLOSE_COMBAT_ABILITY,
  DistrictSimulation,
  type GameEvent,
} from "../../../../../src/mxo/rules/index.js";
import {
  assertOk,
  assertRefused,
  combatEvents,
  dist,
  district,
  editedPack,
  firstNpc,
  join,
  ofKind,
  pack,
  run,
  runUntil,
  sim,
  toward,
  ROUND_TICKS,
  TICK_RATE,
} from "./helpers.js";

const DISTRICTS = ["richland", "westview", "international", "downtown"];

/** Free-attacks `npcId` with every starter attack that is ready, each tick, until it dies. */
function attackUntilDead(s: DistrictSimulation, sessionId: string, npcId: string, maxTicks = 4000) {
  return runUntil(
    s,
    (events) => ofKind(events, "death").some((e) => e.id === npcId),
    maxTicks,
    () => {
      for (const ability of ["a-strike", "a-shot"]) s.useAbility(sessionId, ability, npcId);
    },
  );
}

describe("game: DistrictSimulation", () => {
  describe("construction", () => {
    it("validates tick rate and seed", () => {
      assert.throws(() => sim(undefined, { tickRate: 0 }), RangeError);
      assert.throws(() => sim(undefined, { tickRate: 61 }), RangeError);
      assert.throws(() => sim(undefined, { seed: 1.5 }), RangeError);
    });

    for (const id of DISTRICTS) {
      it(`${id}: fills every spawn zone at once, each NPC inside its circle`, () => {
        const def = district(id);
        const s = sim(def);
        const events = s.step();
        const expected = def.spawnZones.reduce((n, z) => n + z.count, 0);
        assert.equal(s.npcs().length, expected);
        assert.equal(ofKind(events, "npc_spawned").length, expected);
        for (const npc of s.npcs()) {
          const zone = def.spawnZones.find((z) => npc.id.startsWith(`${z.id}:`));
          assert.ok(zone, npc.id);
          assert.equal(npc.template, zone.template);
          assert.ok(dist(npc, zone.center) <= zone.radius + 1e-9, `${npc.id} outside its zone`);
          assert.equal(npc.hp, pack().npc(zone.template)!.hp);
          assert.equal(npc.state, "idle");
        }
        // Newcomers see low-level NPCs from the arrival hardline.
        const arrival = def.hardlines.find((h) => h.arrival)!;
        const nearest = Math.min(...s.npcs().map((n) => dist(n, arrival)));
        assert.ok(nearest <= 50, `nearest NPC ${nearest.toFixed(1)} units from the arrival hardline`);
      });
    }

    it("rejects a session id already in use", () => {
      const s = sim();
      s.addPlayer(join("p1", 100, 100));
      assert.throws(() => s.addPlayer(join("p1", 100, 100)));
      assert.throws(() => s.addPlayer(join(s.npcs()[0]!.id, 100, 100)));
    });
  });

  describe("movement", () => {
    it("moves players along their input and acknowledges it", () => {
      const s = sim();
      s.addPlayer(join("p1", 100, 100));
      s.setInput("p1", { seq: 7, moveX: 1, moveY: 0 });
      const events = s.step();
      const p = s.player("p1")!;
      assert.ok(Math.abs(p.x - (100 + 6 / TICK_RATE)) < 1e-9);
      assert.equal(p.ack, 7);
      assert.equal(ofKind(events, "invalid_input").length, 0);
      s.setInput("p1", { seq: 8, moveX: Number.NaN, moveY: 0 });
      const bad = s.step();
      assert.deepEqual(ofKind(bad, "invalid_input"), [
        { kind: "invalid_input", tick: 2, sessionId: "p1", seq: 8 },
      ]);
      assert.equal(s.player("p1")!.ack, 8);
    });
  });

  describe("NPC AI", () => {
    it("an NPC aggroes a player who walks near, chases, and attacks", () => {
      const s = sim();
      s.step();
      const arrival = district("richland").hardlines.find((h) => h.arrival)!;
      s.addPlayer(join("p1", arrival.x, arrival.y));
      const lookout = firstNpc(s, "rl-la-lookout");
      const states = new Set<string>();
      let stopped = false;
      const events = runUntil(
        s,
        () => s.player("p1")!.hp < s.player("p1")!.maxHp,
        60 * TICK_RATE,
        () => {
          const npc = s.npc(lookout.id)!;
          states.add(npc.state);
          if (npc.state !== "idle") stopped = true;
          // Walk at the NPC until it notices, then stand still and let it come.
          const me = s.player("p1")!;
          s.setInput("p1", { seq: 0, ...(stopped ? { moveX: 0, moveY: 0 } : toward(me, npc)) });
        },
      );
      const npc = s.npc(lookout.id)!;
      assert.equal(npc.targetId, "p1");
      assert.ok(states.has("chase"), `states seen: ${[...states].join(", ")}`);
      assert.equal(npc.state, "attack");
      assert.ok(dist(npc, s.player("p1")!) <= 3, "in melee range");
      const hits = combatEvents(events, "damage").filter(
        (e) => e.sourceId === lookout.id && e.targetId === "p1",
      );
      assert.ok(hits.length >= 1);
      assert.equal(hits[0]!.abilityId, "a-strike");
    });

    it("a newcomer standing on the arrival hardline is left alone", () => {
      const s = sim();
      const arrival = district("richland").hardlines.find((h) => h.arrival)!;
      s.addPlayer(join("p1", arrival.x, arrival.y));
      const events = run(s, 30 * TICK_RATE);
      assert.equal(combatEvents(events, "damage").length, 0);
      assert.ok(s.npcs().every((n) => n.targetId === null));
    });

    it("an NPC shot from beyond its aggro radius turns on the shooter", () => {
      const s = sim();
      s.step();
      const punk = firstNpc(s, "rl-la-punk");
      s.addPlayer(join("p1", punk.x + 25, punk.y)); // aggro radius 12, shot range 30
      s.step();
      assert.equal(s.npc(punk.id)!.state, "idle");
      assertOk(s.useAbility("p1", "a-shot", punk.id));
      s.step();
      assert.equal(s.npc(punk.id)!.targetId, "p1");
      assert.ok(["chase", "attack"].includes(s.npc(punk.id)!.state));
    });

    it("a defensive NPC ignores players until one attacks it", () => {
      const content = editedPack((json) => {
        json.npcs.find((n: any) => n.id === "rl-la-punk").behavior = "defensive";
      });
      const s = sim(content.district("richland")!, {}, content);
      s.step();
      const punk = firstNpc(s, "rl-la-punk");
      s.addPlayer(join("p1", punk.x + 2, punk.y));
      const quiet = run(s, 5 * TICK_RATE);
      assert.equal(combatEvents(quiet, "damage").length, 0);
      assert.equal(s.npc(punk.id)!.targetId, null);
      assertOk(s.useAbility("p1", "a-shot", punk.id));
      const fight = runUntil(
        s,
        (events) => combatEvents(events, "ability_used").some((e) => e.casterId === punk.id),
        10 * TICK_RATE,
      );
      assert.equal(s.npc(punk.id)!.targetId, "p1");
      assert.ok(fight.length > 0);
    });

    it("passive NPCs never fight and cannot be attacked", () => {
      const content = editedPack((json) => {
        json.districts[0].spawnZones.push({
          id: "rl-z-test-informants",
          template: "rl-informant",
          count: 1,
          center: { x: 400, y: 400, z: 0 },
          radius: 5,
          respawnSeconds: 30,
        });
      });
      const s = sim(content.district("richland")!, {}, content);
      s.step();
      const informant = firstNpc(s, "rl-informant");
      s.addPlayer(join("p1", informant.x, informant.y));
      const events = run(s, 5 * TICK_RATE);
      assert.equal(combatEvents(events, "ability_used").length, 0);
      assert.equal(s.npc(informant.id)!.targetId, null);
      assertRefused(s.useAbility("p1", "a-strike", informant.id), "invalid_target");
    });
  });

  describe("free attacks, XP, loot", () => {
    it("kills an NPC with starter attacks: death, XP, kill, loot; respawn after the zone's timer", () => {
      const s = sim();
      s.step();
      const lookout = firstNpc(s, "rl-la-lookout");
      s.addPlayer(join("p1", lookout.x + 20, lookout.y));
      const events = attackUntilDead(s, "p1", lookout.id);
      const deathTick = ofKind(events, "death").find((e) => e.id === lookout.id)!.tick;
      assert.deepEqual(
        ofKind(events, "death").map((e) => ({
          id: e.id,
          entity: e.entity,
          killer: e.killerId,
          template: e.template,
        })),
        [{ id: lookout.id, entity: "npc", killer: "p1", template: "rl-la-lookout" }],
      );
      const xp = ofKind(events, "xp");
      assert.equal(xp.length, 1);
      assert.equal(xp[0]!.sessionId, "p1");
      assert.equal(xp[0]!.amount, 16); // the template's xp at equal level
      assert.equal(s.player("p1")!.experience, 16);
      assert.deepEqual(
        ofKind(events, "kill").map(({ sessionId, template, npcId }) => ({ sessionId, template, npcId })),
        [{ sessionId: "p1", template: "rl-la-lookout", npcId: lookout.id }],
      );
      const loot = ofKind(events, "loot");
      assert.equal(loot.length, 1); // the street table always pays some information
      assert.equal(loot[0]!.sessionId, "p1");
      assert.ok(loot[0]!.info >= 5 && loot[0]!.info <= 20);
      for (const item of loot[0]!.items) {
        assert.ok(pack().item(item.itemId), item.itemId);
        assert.ok(item.quantity >= 1);
      }
      assert.equal(s.npc(lookout.id)!.state, "dead");
      assertRefused(s.useAbility("p1", "a-shot", lookout.id), "target_dead");

      const respawnSeconds = district("richland").spawnZones.find((z) =>
        lookout.id.startsWith(z.id),
      )!.respawnSeconds;
      const later = runUntil(
        s,
        (ev) => ofKind(ev, "npc_spawned").some((e) => e.npcId === lookout.id),
        (respawnSeconds + 2) * TICK_RATE,
      );
      const back = ofKind(later, "npc_spawned").find((e) => e.npcId === lookout.id)!;
      assert.equal(back.respawn, true);
      const waited = (back.tick - deathTick) / TICK_RATE;
      assert.ok(waited >= respawnSeconds && waited <= respawnSeconds + 0.2, `respawned after ${waited}s`);
      const npc = s.npc(lookout.id)!;
      assert.equal(npc.hp, npc.maxHp);
      assert.equal(npc.state, "idle");
      assert.equal(s.combatant(lookout.id)!.is, s.combatant(lookout.id)!.maxIs);
    });

    it("enough XP raises the level: more HP and IS, xp event names the new level", () => {
      const s = sim();
      s.step();
      const lookout = firstNpc(s, "rl-la-lookout");
      s.addPlayer(join("p1", lookout.x + 20, lookout.y, { experience: 95 }));
      const before = s.player("p1")!;
      const events = attackUntilDead(s, "p1", lookout.id);
      assert.equal(ofKind(events, "xp")[0]!.level, 2);
      const up = ofKind(events, "level_up");
      assert.equal(up.length, 1);
      assert.equal(up[0]!.level, 2);
      const after = s.player("p1")!;
      assert.equal(after.level, 2);
      assert.equal(after.experience, 111);
      assert.equal(after.maxHp, before.maxHp + 25);
      assert.equal(after.maxIs, 70);
      assert.equal(s.combatant("p1")!.level, 2);
    });
  });

  describe("interlock", () => {
    function engaged() {
      const s = sim();
      s.step();
      const lookout = firstNpc(s, "rl-la-lookout");
      s.addPlayer(join("p1", lookout.x + 2, lookout.y));
      assertOk(s.useAbility("p1", CLOSE_COMBAT_ABILITY, lookout.id));
      return { s, npcId: lookout.id, startTick: s.tick };
    }

    it("runs rounds on the round clock with the submitted actions and ends in a death", () => {
      const { s, npcId, startTick } = engaged();
      const interlockId = s.player("p1")!.interlockId;
      assert.ok(interlockId);
      const where = { p: { ...s.player("p1")! }, n: { ...s.npc(npcId)! } };
      const events = runUntil(
        s,
        (ev) => combatEvents(ev, "interlock_ended").length > 0,
        200 * ROUND_TICKS,
        () => {
          // Trying to walk away changes nothing: fighters stand where the duel put them.
          s.setInput("p1", { seq: 1, moveX: 1, moveY: 0 });
          assertOk(s.interlock("p1", "quick"));
        },
      );
      // Requested between steps, reported by the next one.
      assert.deepEqual(
        combatEvents(events, "interlock_started").map(({ tick, attackerId, targetId }) => ({
          tick,
          attackerId,
          targetId,
        })),
        [{ tick: startTick, attackerId: "p1", targetId: npcId }],
      );
      const rounds = combatEvents(events, "round_resolved");
      assert.ok(rounds.length >= 2);
      rounds.forEach((r, i) => {
        assert.equal(r.tick, startTick + (i + 1) * ROUND_TICKS, `round ${i + 1} on the clock`);
        assert.equal(r.entry.inputs.a, "quick", "the player's submitted action");
        assert.notEqual(r.entry.inputs.b, null, "the NPC chose an action");
      });
      const end = combatEvents(events, "interlock_ended")[0]!;
      assert.equal(end.reason, "death");
      assert.equal(end.interlockId, interlockId);
      const dead = ofKind(events, "death");
      assert.equal(dead.length, 1);
      const loser = dead[0]!.id;
      assert.ok(loser === npcId || loser === "p1");
      assert.equal(end.winnerId, loser === npcId ? "p1" : npcId);
      assert.equal(ofKind(events, "xp").length, loser === npcId ? 1 : 0);
      assert.equal(s.player("p1")!.interlockId, null);
      // Nobody moved while it lasted (the duel ended after this step's movement).
      assert.deepEqual({ x: s.player("p1")!.x, y: s.player("p1")!.y }, { x: where.p.x, y: where.p.y });
      assert.deepEqual({ x: s.npc(npcId)!.x, y: s.npc(npcId)!.y }, { x: where.n.x, y: where.n.y });
    });

    it("a fighter who keeps withdrawing gets away", () => {
      const { s } = engaged();
      const events = runUntil(
        s,
        (ev) => combatEvents(ev, "interlock_ended").length > 0,
        100 * ROUND_TICKS,
        () => assertOk(s.interlock("p1", "withdraw")),
      );
      const end = combatEvents(events, "interlock_ended")[0]!;
      assert.equal(end.reason, "withdrew");
      assert.equal(end.winnerId, null);
      assert.deepEqual(
        combatEvents(events, "withdrew").map((e) => e.id),
        ["p1"],
      );
      // Free to walk again.
      const x = s.player("p1")!.x;
      s.setInput("p1", { seq: 9, moveX: 1, moveY: 0 });
      s.step();
      assert.ok(s.player("p1")!.x > x);
    });

    it("the district's CR1 rules govern its interlocks", () => {
      const s = sim(district("richland", { combatRules: "CR1" }));
      s.step();
      const lookout = firstNpc(s, "rl-la-lookout");
      s.addPlayer(join("p1", lookout.x + 2, lookout.y));
      assertOk(s.useAbility("p1", CLOSE_COMBAT_ABILITY, lookout.id));
      const events = runUntil(
        s,
        (ev) => combatEvents(ev, "interlock_ended").length > 0,
        200 * ROUND_TICKS,
        () => s.interlock("p1", "power"),
      );
      const end = combatEvents(events, "interlock_ended")[0]!;
      assert.equal(end.log.rules.ruleset, "cr1");
      // CR1 is zero-sum: at most one fighter lands per round.
      for (const r of combatEvents(events, "round_resolved")) assert.ok(!(r.entry.hits.a && r.entry.hits.b));
    });

    it("free attacks and a second pull are refused while engaged", () => {
      const s = sim();
      s.step();
      const lookout = firstNpc(s, "rl-la-lookout");
      s.addPlayer(join("p1", lookout.x + 2, lookout.y));
      assertOk(s.useAbility("p1", CLOSE_COMBAT_ABILITY, lookout.id));
      assertRefused(s.useAbility("p1", "a-strike", lookout.id), "in_interlock");
      assertRefused(s.useAbility("p1", CLOSE_COMBAT_ABILITY, lookout.id), "already_engaged");
      assertRefused(s.interlock("p1", "dance"), "invalid_action");
    });

    it("an interlock ability pulls the target in, then powers its action", () => {
      const content = editedPack((json) => {
        json.abilities.push({
          id: "a-clinch",
          name: "Clinch",
          tree: "awakened",
          requiredLevel: 1,
          memoryCost: 1,
          kind: "interlock",
          target: "enemy",
          range: 3,
          cooldown: 4,
          innerStrength: 0,
          damageType: "melee",
          scalesWith: "focus",
          damage: { min: 10, max: 14 },
          interlockAction: "grab",
        });
      });
      const s = sim(content.district("richland")!, {}, content);
      s.step();
      const lookout = firstNpc(s, "rl-la-lookout");
      s.addPlayer(join("p1", lookout.x + 2, lookout.y));
      assert.ok(s.combatant("p1")!.loadout.includes("a-clinch"));
      assertOk(s.useAbility("p1", "a-clinch", lookout.id));
      assert.ok(s.player("p1")!.interlockId);
      assertOk(s.useAbility("p1", "a-clinch", lookout.id));
      const events = run(s, ROUND_TICKS);
      const round = combatEvents(events, "round_resolved")[0];
      assert.ok(round);
      assert.equal(round.entry.inputs.a, "grab");
    });

    it("an NPC whose attack is an interlock ability pulls its target into close combat", () => {
      const content = editedPack((json) => {
        json.npcs.find((n: any) => n.id === "rl-la-lookout").abilities = ["op-counter"];
      });
      const s = sim(content.district("richland")!, {}, content);
      s.step();
      const lookout = firstNpc(s, "rl-la-lookout");
      s.addPlayer(join("p1", lookout.x + 4, lookout.y));
      const events = runUntil(s, (ev) => combatEvents(ev, "interlock_started").length > 0, 10 * TICK_RATE);
      const started = combatEvents(events, "interlock_started")[0]!;
      assert.equal(started.targetId, "p1");
      assert.ok(started.attackerId.startsWith("rl-z-mara-lookouts:"));
      assert.equal(s.player("p1")!.interlockId, started.interlockId);
    });
  });

  describe("refusals", () => {
    function setup() {
      const s = sim();
      s.step();
      const punk = firstNpc(s, "rl-la-punk");
      s.addPlayer(join("p1", punk.x + 20, punk.y));
      return { s, npcId: punk.id };
    }

    it("an ability that is not loaded", () => {
      const { s, npcId } = setup();
      assertRefused(s.useAbility("p1", "op-precise-blow", npcId), "not_in_loadout");
      assertRefused(s.useAbility("p1", "op-counter", npcId), "not_in_loadout");
    });

    it("a target out of range", () => {
      const { s, npcId } = setup();
      assertRefused(s.useAbility("p1", "a-strike", npcId), "out_of_range");
      assertRefused(s.useAbility("p1", CLOSE_COMBAT_ABILITY, npcId), "out_of_range");
    });

    it("an ability on cooldown", () => {
      const { s, npcId } = setup();
      assertOk(s.useAbility("p1", "a-shot", npcId));
      assertRefused(s.useAbility("p1", "a-shot", npcId), "on_cooldown");
    });

    it("speaks to the player: abilities by name, waits in seconds, never ids or ticks", () => {
      const { s, npcId } = setup();
      assertOk(s.useAbility("p1", "a-shot", npcId));
      const cooldown = s.useAbility("p1", "a-shot", npcId);
      assert.ok(!cooldown.ok);
      assert.match(cooldown.error.message, /^Snap Shot is ready again in \d+ s$/);
      const unloaded = s.useAbility("p1", "op-precise-blow", npcId);
      assert.ok(!unloaded.ok);
      assert.doesNotMatch(unloaded.error.message, /op-precise-blow/);
      assert.match(unloaded.error.message, /^Precise Blow is not loaded/);
      const missing = s.useAbility("p1", "a-shot", "rl-zone:99");
      assert.ok(!missing.ok);
      assert.doesNotMatch(missing.error.message, /rl-zone/);
    });

    it("a target or a session that is not there", () => {
      const { s } = setup();
      assertRefused(s.useAbility("p1", "a-shot", "nobody"), "not_found");
      assertRefused(s.useAbility("ghost", "a-shot", "p1"), "not_found");
      assertRefused(s.interlock("ghost", "quick"), "not_found");
    });

    it("an interlock action while not interlocked", () => {
      const { s } = setup();
      assertRefused(s.interlock("p1", "quick"), "not_interlocked");
    });

    it("player against player outside a PvP district; allowed inside one", () => {
      const s = sim();
      s.addPlayer(join("p1", 100, 100));
      s.addPlayer(join("p2", 110, 100));
      assertRefused(s.useAbility("p1", "a-shot", "p2"), "pvp_disabled");
      s.addPlayer(join("p3", 101, 100));
      assertRefused(s.useAbility("p1", CLOSE_COMBAT_ABILITY, "p3"), "pvp_disabled");

      const pvp = sim(district("richland", { pvp: true }));
      pvp.addPlayer(join("p1", 100, 100));
      pvp.addPlayer(join("p2", 110, 100));
      assertOk(pvp.useAbility("p1", "a-shot", "p2"));
      assertRefused(pvp.useAbility("p1", "a-strike", "p1"), "invalid_target");
    });

    it("a refused request changes nothing and reports nothing", () => {
      const { s, npcId } = setup();
      s.step();
      const before = { p: s.player("p1"), n: s.npc(npcId), c: structuredClone(s.combatant("p1")) };
      assertRefused(s.useAbility("p1", "a-strike", npcId), "out_of_range");
      assert.deepEqual({ p: s.player("p1"), n: s.npc(npcId), c: s.combatant("p1") }, before);
    });
  });

  describe("death and respawn", () => {
    it("a dead player respawns at the nearest hardline with full HP after the delay", () => {
      const s = sim();
      s.step();
      const enforcer = firstNpc(s, "rl-la-enforcer"); // near Pentire Heights, far from the arrival hardline
      s.addPlayer(join("p1", enforcer.x + 2, enforcer.y, { hp: 1 }));
      const events = runUntil(s, (ev) => ofKind(ev, "death").some((e) => e.id === "p1"), 30 * TICK_RATE);
      const death = ofKind(events, "death").find((e) => e.id === "p1")!;
      assert.equal(death.entity, "player");
      assert.equal(death.killerId.startsWith("rl-z-pentire-enforcers:"), true);
      assert.equal(ofKind(events, "xp").length, 0, "NPCs earn nothing");
      const dead = s.player("p1")!;
      assert.equal(dead.dead, true);
      assert.equal(dead.hp, 0);
      assertRefused(s.useAbility("p1", "a-shot", enforcer.id), "dead");
      assertRefused(s.interlock("p1", "quick"), "dead");

      // The dead do not walk.
      const later = runUntil(
        s,
        (ev) => ofKind(ev, "respawn").length > 0,
        10 * TICK_RATE,
        () => s.setInput("p1", { seq: 1, moveX: 1, moveY: 0 }),
      );
      const respawn = ofKind(later, "respawn")[0]!;
      assert.equal(respawn.sessionId, "p1");
      assert.equal(respawn.hardlineId, "rl-pentire");
      const pentire = district("richland").hardlines.find((h) => h.id === "rl-pentire")!;
      const alive = s.player("p1")!;
      assert.deepEqual({ x: alive.x, y: alive.y, z: alive.z }, { x: pentire.x, y: pentire.y, z: pentire.z });
      assert.equal(alive.hp, alive.maxHp);
      assert.equal(respawn.hp, alive.maxHp);
      assert.equal(alive.dead, false);
      assert.equal(alive.is, alive.maxIs);
      const delay = respawn.tick - (death.tick + 1);
      assert.ok(
        delay >= 5 * TICK_RATE - 1 && delay <= 5 * TICK_RATE + 1,
        `respawned ${delay} ticks after death`,
      );
      // The NPC that killed it has let go.
      assert.ok(s.npcs().every((n) => n.targetId !== "p1" || n.state === "leash"));
    });

    it("a character saved dead comes back after the delay", () => {
      const s = sim();
      s.addPlayer(join("p1", 100, 100, { hp: 0 }));
      assert.equal(s.player("p1")!.dead, true);
      const events = runUntil(s, (ev) => ofKind(ev, "respawn").length > 0, 6 * TICK_RATE);
      assert.equal(ofKind(events, "respawn")[0]!.hardlineId, "rl-mara-central");
    });
  });

  describe("regeneration", () => {
    it("HP comes back out of combat, not in it", () => {
      const s = sim(district("richland", { pvp: true }));
      s.addPlayer(join("p1", 100, 100, { hp: 100 })); // max 200
      s.addPlayer(join("p2", 120, 100));
      run(s, TICK_RATE);
      assert.equal(s.player("p1")!.hp, 104, "2% of max HP per second");
      assertOk(s.useAbility("p2", "a-shot", "p1"));
      const hpAfterShot = () => s.player("p1")!.hp;
      s.step();
      const low = hpAfterShot();
      run(s, 6 * TICK_RATE - 2);
      assert.equal(s.player("p1")!.hp, low, "no regeneration within 6 s of a hostile act");
      run(s, 2 * TICK_RATE);
      assert.ok(s.player("p1")!.hp > low, "regenerating again");
    });

    it("Inner Strength spent in interlock comes back afterwards", () => {
      const s = sim();
      s.step();
      const lookout = firstNpc(s, "rl-la-lookout");
      s.addPlayer(join("p1", lookout.x + 2, lookout.y));
      assertOk(s.useAbility("p1", CLOSE_COMBAT_ABILITY, lookout.id));
      s.interlock("p1", "power");
      run(s, ROUND_TICKS);
      assert.ok(s.player("p1")!.is < s.player("p1")!.maxIs, "power cost IS");
      runUntil(
        s,
        (ev) => combatEvents(ev, "interlock_ended").length > 0,
        200 * ROUND_TICKS,
        () => s.interlock("p1", "withdraw"),
      );
      const spent = s.player("p1")!.is;
      run(s, TICK_RATE);
      assert.ok(s.player("p1")!.is > spent || spent === s.player("p1")!.maxIs);
    });
  });

  describe("players leaving", () => {
    it("ends the leaver's interlock and frees its NPC", () => {
      const s = sim();
      s.step();
      const lookout = firstNpc(s, "rl-la-lookout");
      s.addPlayer(join("p1", lookout.x + 2, lookout.y));
      assertOk(s.useAbility("p1", CLOSE_COMBAT_ABILITY, lookout.id));
      assert.equal(s.removePlayer("p1"), true);
      assert.equal(s.removePlayer("p1"), false);
      const events = s.step();
      const end = combatEvents(events, "interlock_ended");
      assert.equal(end.length, 1);
      assert.equal(end[0]!.reason, "removed");
      assert.equal(s.player("p1"), undefined);
      assert.equal(s.positions().has("p1"), false);
      run(s, TICK_RATE);
      assert.notEqual(s.npc(lookout.id)!.targetId, "p1");
    });
  });

  describe("determinism", () => {
    /** A scripted session: a few players wander toward NPCs, shoot, strike, interlock and pick actions. */
    function script(seed: number, ticks: number): { log: GameEvent[]; views: unknown } {
      const s = sim(district("richland"), { seed });
      const log: GameEvent[] = [...s.step()];
      const punks = s.npcs().filter((n) => n.template === "rl-la-punk" || n.template === "rl-la-lookout");
      const ids = ["a", "b", "c", "d"];
      ids.forEach((id, i) => {
        const target = punks[i % punks.length]!;
        s.addPlayer(join(id, target.x + 15 + i, target.y - 5, { level: 1 + i }));
      });
      const actions = ["quick", "power", "grab", "block", "withdraw"];
      for (let t = 0; t < ticks; t++) {
        ids.forEach((id, i) => {
          const me = s.player(id);
          if (!me) return;
          const target = punks[(i + Math.floor(t / 200)) % punks.length]!;
          const npc = s.npc(target.id)!;
          const close = dist(me, npc) < 2.5;
          s.setInput(id, { seq: t, ...(close || me.interlockId ? { moveX: 0, moveY: 0 } : toward(me, npc)) });
          if (me.interlockId) s.interlock(id, actions[(t + i) % actions.length]);
          else if (i % 2 === 0 && t % 150 === 40) s.useAbility(id, CLOSE_COMBAT_ABILITY, target.id);
          else {
            s.useAbility(id, "a-strike", target.id);
            s.useAbility(id, "a-shot", target.id);
          }
        });
        if (t === ticks / 2) s.removePlayer("d");
        log.push(...s.step());
      }
      return { log, views: { players: s.players(), npcs: s.npcs(), tick: s.tick } };
    }

    it("the same seed and inputs give the same events, tick for tick", () => {
      const a = script(42, 600);
      const b = script(42, 600);
      assert.deepEqual(a.log, b.log);
      assert.deepEqual(a.views, b.views);
      // The script really exercised the loop.
      const kinds = new Set<string>(a.log.map((e) => (e.kind === "combat" ? e.event.type : e.kind)));
      for (const kind of ["damage", "miss", "interlock_started", "round_resolved", "death", "xp", "kill"]) {
        assert.ok(kinds.has(kind), `${kind} in the log (got ${[...kinds].join(", ")})`);
      }
    });

    it("another seed gives another game", () => {
      assert.notDeepEqual(script(1, 300).log, script(2, 300).log);
    });
  });

  describe("performance sanity (no timing assertion)", () => {
    it("steps a crowded district", function () {
      const s = sim(district("richland"));
      const players = 300;
      for (let i = 0; i < players; i++)
        s.addPlayer(join(`p${i}`, 100 + ((i * 97) % 2800), 100 + ((i * 61) % 2200)));
      const ticks = 200;
      const started = process.hrtime.bigint();
      run(s, ticks, () => {
        for (let i = 0; i < players; i++)
          s.setInput(`p${i}`, { seq: s.tick, moveX: Math.cos(i + s.tick / 50), moveY: Math.sin(i) });
      });
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      figure(this, `${players} players, ${s.npcs().length} NPCs: ${(ms / ticks).toFixed(3)} ms per step`);
      assert.equal(s.players().length, players);
    });
  });
});
