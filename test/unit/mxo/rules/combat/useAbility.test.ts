import assert from "node:assert/strict";
import {
  interlockOf,
  replayInterlock,
  startInterlock,
  stepCombat,
  useAbility,
  xpReward,
  type CombatEvent,
} from "../../../../../src/mxo/rules/combat/index.js";
import { FIVES, PISTOL, ROUND, TICK_RATE, clone, fighter, get, ok, world } from "./helpers.js";

function code(result: ReturnType<typeof useAbility>): string {
  return result.ok ? "ok" : result.error.code;
}

function damageOf(events: CombatEvent[]): number | null {
  const hit = events.find((e) => e.type === "damage");
  return hit && hit.type === "damage" ? hit.amount : null;
}

describe("free attack: validation", () => {
  it("refuses with a typed error for each broken precondition and changes nothing", () => {
    const { state, positions } = world(1, [
      fighter("A", { loadout: ["pistol", "ghost"] }),
      fighter("B"),
      fighter("C", { hp: 0 }),
      fighter("D"),
      fighter("E"),
    ]);
    positions.set("D", { x: 100, y: 0 });
    const before = clone([...state.combatants.values()]);
    const rngBefore = { ...state.rng };
    assert.deepEqual(useAbility(state, "A", "virus", "B", 0, positions), {
      ok: false,
      error: { code: "not_in_loadout", abilityId: "virus" },
    });
    assert.equal(code(useAbility(state, "A", "ghost", "B", 0, positions)), "unknown_ability");
    assert.equal(code(useAbility(state, "A", "pistol", "nobody", 0, positions)), "invalid_target");
    assert.equal(code(useAbility(state, "A", "pistol", "A", 0, positions)), "invalid_target");
    assert.equal(code(useAbility(state, "A", "pistol", "C", 0, positions)), "target_dead");
    assert.equal(code(useAbility(state, "C", "pistol", "A", 0, positions)), "invalid_caster");
    assert.deepEqual(useAbility(state, "A", "pistol", "D", 0, positions), {
      ok: false,
      error: { code: "out_of_range", distance: 100, range: PISTOL.range },
    });
    get(state, "A").is = 9;
    before[0] = { ...before[0], is: 9 } as (typeof before)[0];
    assert.deepEqual(useAbility(state, "A", "pistol", "B", 0, positions), {
      ok: false,
      error: { code: "not_enough_is", need: 10, have: 9 },
    });
    assert.deepEqual([...state.combatants.values()], before, "refusals change no combatant");
    assert.deepEqual(state.rng, rngBefore, "refusals draw no random numbers");
    get(state, "A").is = 100;
    ok(startInterlock(state, "A", "B", 0, positions));
    assert.equal(code(useAbility(state, "A", "pistol", "E", 0, positions)), "in_interlock");
  });

  it("treats a fighter with no position as out of range", () => {
    const { state, positions } = world(1, [fighter("A"), fighter("B")]);
    positions.delete("B");
    assert.deepEqual(useAbility(state, "A", "pistol", "B", 0, positions), {
      ok: false,
      error: { code: "out_of_range", distance: Infinity, range: PISTOL.range },
    });
  });
});

describe("free attack: cooldowns and Inner Strength", () => {
  it("puts the ability on cooldown for its seconds in ticks, counted on the server tick", () => {
    const { state, positions } = world(2, [fighter("A"), fighter("B")]);
    ok(useAbility(state, "A", "pistol", "B", 100, positions));
    const cooldown = PISTOL.cooldownSeconds * TICK_RATE;
    assert.equal(get(state, "A").readyAt.pistol, 100 + cooldown);
    assert.deepEqual(useAbility(state, "A", "pistol", "B", 100 + cooldown - 1, positions), {
      ok: false,
      error: { code: "on_cooldown", abilityId: "pistol", readyTick: 100 + cooldown },
    });
    assert.equal(
      code(useAbility(state, "A", "virus", "B", 101, positions)),
      "ok",
      "cooldowns are per ability",
    );
    assert.equal(code(useAbility(state, "A", "pistol", "B", 100 + cooldown, positions)), "ok");
    // 1.5 s at 20 Hz is exactly 30 ticks.
    assert.equal(get(state, "A").readyAt.virus, 101 + 30);
  });

  it("spends the ability's IS on use, hit or miss, and regenerates IS outside interlock", () => {
    const { state, positions } = world(3, [
      fighter("A"),
      fighter("B", { defence: { melee: 1, ranged: 1e9, viral: 1 } }),
    ]);
    const events = ok(useAbility(state, "A", "pistol", "B", 0, positions));
    assert.equal(events[1]?.type, "miss");
    assert.equal(get(state, "A").is, 90);
    ok(useAbility(state, "A", "virus", "B", 0, positions));
    assert.equal(get(state, "A").is, 65);
    stepCombat(state, 0, positions);
    stepCombat(state, TICK_RATE * 5, positions); // 5 s at 2 IS/s
    assert.ok(Math.abs(get(state, "A").is - 75) < 1e-9, `is ${get(state, "A").is}`);
    stepCombat(state, TICK_RATE * 100, positions);
    assert.equal(get(state, "A").is, 100, "capped at the maximum");
  });

  it("regenerates faster with Belief", () => {
    const { state, positions } = world(3, [
      fighter("A", { is: 0 }),
      fighter("B", { is: 0, stats: { ...FIVES, belief: 15 } }),
    ]);
    stepCombat(state, TICK_RATE * 10, positions);
    assert.ok(Math.abs(get(state, "A").is - 20) < 1e-9);
    assert.ok(Math.abs(get(state, "B").is - 24) < 1e-9);
  });
});

describe("free attack: hits, resistances and death", () => {
  it("rolls accuracy against same-type defence: sure hits and sure misses at the extremes", () => {
    let hits = 0;
    for (let seed = 1; seed <= 100; seed++) {
      const { state, positions } = world(seed, [fighter("A"), fighter("B")]);
      const events = ok(useAbility(state, "A", "pistol", "B", 0, positions));
      const used = events[0];
      assert.ok(used && used.type === "ability_used");
      assert.equal(events[1]?.type === "damage", used.attackRoll > used.defenceRoll);
      if (used.attackRoll > used.defenceRoll) hits++;
    }
    assert.ok(hits > 30 && hits < 70, `equal accuracy and defence hit ${hits}/100`);
    const { state, positions } = world(1, [
      fighter("A"),
      fighter("B", { defence: { melee: 1, ranged: 1e-9, viral: 1e9 } }),
    ]);
    assert.equal(ok(useAbility(state, "A", "pistol", "B", 0, positions))[1]?.type, "damage");
    assert.equal(ok(useAbility(state, "A", "virus", "B", 0, positions))[1]?.type, "miss");
  });

  it("reduces damage only by the resistance of the same type", () => {
    const sure = { melee: 1e-9, ranged: 1e-9, viral: 1e-9 };
    const plain = fighter("B", { defence: sure, resistance: { melee: 0, ranged: 0, viral: 0 } });
    const armoured = fighter("B", { defence: sure, resistance: { melee: 0, ranged: 100, viral: 0 } });
    for (const seed of [1, 2, 3, 4, 5]) {
      const dealt = (target: typeof plain, ability: string) => {
        const { state, positions } = world(seed, [fighter("A"), clone(target)]);
        return damageOf(ok(useAbility(state, "A", ability, "B", 0, positions)));
      };
      const open = dealt(plain, "pistol");
      const shielded = dealt(armoured, "pistol");
      assert.ok(open !== null && shielded !== null);
      assert.ok(Math.abs(shielded - open / 2) <= 1, `ranged ${open} → ${shielded}`);
      assert.equal(dealt(armoured, "virus"), dealt(plain, "virus"), "viral ignores ranged resistance");
    }
  });

  it("applies the caster's 2%-per-point stat bonus to the ability's damage", () => {
    const sure = { melee: 1e-9, ranged: 1e-9, viral: 1e-9 };
    const none = { melee: 0, ranged: 0, viral: 0 };
    const dealt = (stats: typeof FIVES) => {
      const { state, positions } = world(9, [
        fighter("A", { stats }),
        fighter("B", { defence: sure, resistance: none }),
      ]);
      return damageOf(ok(useAbility(state, "A", "virus", "B", 0, positions)));
    };
    const base = dealt(FIVES);
    const reasoned = dealt({ ...FIVES, reason: 15 });
    const focused = dealt({ ...FIVES, focus: 15 });
    assert.ok(base !== null && reasoned !== null);
    assert.ok(Math.abs(reasoned - base * 1.2) <= 1, `reason 15: ${base} → ${reasoned}`);
    assert.equal(focused, base, "focus does not influence viral damage");
  });

  it("kills at 0 HP with one death event carrying the killer's XP", () => {
    const { state, positions } = world(4, [
      fighter("A", { level: 10 }),
      fighter("B", { level: 12, hp: 1, defence: { melee: 1, ranged: 1e-9, viral: 1 } }),
    ]);
    const events = ok(useAbility(state, "A", "pistol", "B", 0, positions));
    assert.deepEqual(events.at(-1), { type: "death", tick: 0, id: "B", killerId: "A", xp: xpReward(10, 12) });
    assert.equal(get(state, "B").hp, 0);
    assert.equal(code(useAbility(state, "A", "virus", "B", 1, positions)), "target_dead");
  });

  it("can hit a fighter in interlock: the duel logs an outside change; a kill ends the duel", () => {
    const sure = { melee: 100, ranged: 1e-9, viral: 1e-9 };
    const { state, positions } = world(5, [fighter("A"), fighter("B", { defence: sure }), fighter("S")]);
    ok(startInterlock(state, "A", "B", 0, positions));
    const shot = damageOf(ok(useAbility(state, "S", "pistol", "B", 10, positions)));
    assert.ok(shot);
    let events: CombatEvent[] = [];
    for (let tick = 1; tick <= ROUND; tick++) events = events.concat(stepCombat(state, tick, positions));
    const round = events.find((e) => e.type === "round_resolved");
    assert.ok(round && round.type === "round_resolved");
    assert.deepEqual(round.entry.external.b, { hp: -shot, is: 0 });

    get(state, "B").hp = 1;
    const killing = ok(useAbility(state, "S", "virus", "B", ROUND + 5, positions));
    const ended = killing.find((e) => e.type === "interlock_ended");
    assert.ok(ended && ended.type === "interlock_ended");
    assert.equal(ended.reason, "death");
    assert.equal(ended.winnerId, "A");
    assert.equal(interlockOf(state, "A"), undefined);
    const log = clone(ended.log);
    assert.deepEqual(replayInterlock(log).log, log, "outside changes replay too");
  });
});
