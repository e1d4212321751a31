import assert from "node:assert/strict";
import {
  interlockOf,
  leaveQueue,
  makeCombatConfig,
  removeCombatant,
  startInterlock,
  stepCombat,
  submitInterlockAction,
  useAbility,
  xpReward,
  type CombatEvent,
  type CombatState,
} from "../../../../../src/mxo/rules/combat/index.js";
import { ROUND, config, fighter, fight, get, ok, randomChooser, world } from "./helpers.js";

function ofType<T extends CombatEvent["type"]>(events: CombatEvent[], type: T) {
  return events.filter((e): e is Extract<CombatEvent, { type: T }> => e.type === type);
}

/** No fighter in two interlocks; engaged and queued are exclusive; indexes agree. */
function assertNoThrash(state: CombatState): void {
  const seen = new Map<string, string>();
  for (const il of state.interlocks.values()) {
    for (const id of [il.fighters.a, il.fighters.b]) {
      assert.ok(!seen.has(id), `${id} is in ${seen.get(id)} and ${il.id}`);
      seen.set(id, il.id);
      assert.equal(state.engagedIn.get(id), il.id);
      assert.ok(!state.queuedFor.has(id), `${id} is engaged and queued`);
    }
  }
  assert.equal(state.engagedIn.size, seen.size);
  for (const [attacker, target] of state.queuedFor) {
    assert.ok(state.queues.get(target)?.includes(attacker), `${attacker} missing from ${target}'s queue`);
  }
  for (const [target, queue] of state.queues) {
    assert.ok(queue.length > 0 && queue.length <= state.config.maxQueue);
    for (const a of queue) assert.equal(state.queuedFor.get(a), target);
  }
}

describe("interlock: the round clock", () => {
  it("resolves rounds every roundTicks after the start, on the server tick", () => {
    const { state, positions } = world(1, [fighter("A"), fighter("B")]);
    state.tick = 100;
    ok(startInterlock(state, "A", "B", 100, positions));
    const resolvedAt: number[] = [];
    for (let tick = 101; tick <= 100 + 3 * ROUND; tick++) {
      for (const e of stepCombat(state, tick, positions))
        if (e.type === "round_resolved") resolvedAt.push(tick);
    }
    assert.deepEqual(resolvedAt, [160, 220, 280]);
    assert.equal(interlockOf(state, "A")?.log.rounds.at(-1)?.tick, 280);
  });

  it("derives 3-second rounds from the tick rate", () => {
    assert.equal(makeCombatConfig(20).interlock.roundTicks, 60);
    assert.equal(makeCombatConfig(10).interlock.roundTicks, 30);
    assert.equal(makeCombatConfig(60).interlock.roundTicks, 180);
  });

  it("applies the default action to a fighter who did not choose in time; the last choice wins", () => {
    const { state, positions } = world(1, [fighter("A"), fighter("B")]);
    ok(startInterlock(state, "A", "B", 0, positions));
    ok(submitInterlockAction(state, "A", "power"));
    ok(submitInterlockAction(state, "A", "grab"));
    const events = [];
    for (let tick = 1; tick <= ROUND; tick++) events.push(...stepCombat(state, tick, positions));
    const [round] = ofType(events, "round_resolved");
    assert.ok(round);
    assert.deepEqual(round.entry.inputs, { a: "grab", b: null });
    assert.deepEqual(round.entry.actions, { a: "grab", b: "block" });
  });

  it("rejects unknown actions and fighters not in an interlock", () => {
    const { state, positions } = world(1, [fighter("A"), fighter("B"), fighter("C")]);
    ok(startInterlock(state, "A", "B", 0, positions));
    assert.deepEqual(submitInterlockAction(state, "A", "kick"), {
      ok: false,
      error: { code: "invalid_action", action: "kick" },
    });
    assert.deepEqual(submitInterlockAction(state, "C", "quick"), {
      ok: false,
      error: { code: "not_in_interlock", id: "C" },
    });
  });

  it("copies each round's HP and IS onto the live combatants and freezes passive IS regen", () => {
    const { state, positions } = world(2, [fighter("A", { is: 50 }), fighter("B", { is: 50 })]);
    ok(startInterlock(state, "A", "B", 0, positions));
    ok(submitInterlockAction(state, "A", "power"));
    let events: CombatEvent[] = [];
    for (let tick = 1; tick <= ROUND; tick++) events = events.concat(stepCombat(state, tick, positions));
    const [round] = ofType(events, "round_resolved");
    assert.ok(round);
    assert.equal(get(state, "A").is, 40, "power cost 10 and no regeneration in interlock");
    assert.equal(get(state, "B").is, 65, "block gained 15");
    assert.equal(get(state, "A").hp, round.entry.after.a.hp);
    assert.equal(get(state, "B").hp, round.entry.after.b.hp);
    for (const hit of ofType(events, "damage")) {
      assert.equal(hit.interlockId, round.interlockId);
      assert.equal(hit.damageType, "melee");
    }
  });
});

describe("interlock: starting and ending", () => {
  it("refuses out-of-range, dead, self and already-engaged starts", () => {
    const { state, positions } = world(1, [
      fighter("A"),
      fighter("B"),
      fighter("C"),
      fighter("D", { hp: 0 }),
    ]);
    positions.set("C", { x: 10, y: 0 });
    const refused = (a: string, b: string) => {
      const r = startInterlock(state, a, b, 0, positions);
      return r.ok ? "ok" : r.error.code;
    };
    assert.equal(refused("A", "C"), "out_of_range");
    assert.equal(refused("A", "D"), "target_dead");
    assert.equal(refused("A", "A"), "invalid_target");
    assert.equal(refused("A", "nobody"), "invalid_target");
    assert.equal(refused("D", "A"), "invalid_caster");
    assert.equal(refused("A", "B"), "ok");
    assert.equal(refused("A", "B"), "already_engaged");
  });

  it("ends at 0 HP with a death event, XP for the killer and the survivor as winner", () => {
    const brute = fighter("A", { level: 12, style: { accuracy: 400, damage: 400 } });
    const { state, positions } = world(3, [brute, fighter("B", { level: 10 })]);
    const { log, events } = fight(state, positions, "A", "B", () => "quick");
    assert.equal(log.end?.reason, "death");
    assert.equal(log.end?.winner, "A");
    assert.deepEqual(
      ofType(events, "death").map((d) => [d.id, d.killerId, d.xp]),
      [["B", "A", xpReward(12, 10)]],
    );
    assert.equal(get(state, "B").hp, 0);
    assert.equal(interlockOf(state, "A"), undefined);
    assert.equal(state.engagedIn.size, 0);
  });

  it("ends with 'withdrew' and frees both fighters when a withdraw succeeds", () => {
    const { state, positions } = world(4, [fighter("A"), fighter("B")]);
    const { log, events } = fight(state, positions, "A", "B", (_round, id) =>
      id === "B" ? "withdraw" : "quick",
    );
    assert.equal(log.end?.reason, "withdrew");
    assert.equal(log.end?.winner, null);
    assert.deepEqual(
      ofType(events, "withdrew").map((e) => e.id),
      ["B"],
    );
    assert.equal(state.engagedIn.size, 0);
  });

  it("ends as 'removed' when a fighter leaves the world", () => {
    const { state, positions } = world(5, [fighter("A"), fighter("B")]);
    ok(startInterlock(state, "A", "B", 0, positions));
    const events = removeCombatant(state, "B", 10);
    const [ended] = ofType(events, "interlock_ended");
    assert.equal(ended?.reason, "removed");
    assert.equal(state.engagedIn.size, 0);
    assert.equal(state.combatants.has("B"), false);
  });

  it("ends as 'timeout' after maxRounds so idle blockers cannot hold each other forever", () => {
    const { state, positions } = world(6, [fighter("A"), fighter("B")], config({ maxRounds: 5 }));
    const { log } = fight(state, positions, "A", "B", () => null);
    assert.equal(log.end?.reason, "timeout");
    assert.equal(log.rounds.length, 5);
  });
});

describe("interlock: several attackers on one target", () => {
  const part = (_round: number, _id: string) => "withdraw" as const;

  it("queues the second attacker and lets it in the moment the first duel ends", () => {
    const { state, positions } = world(7, [fighter("T"), fighter("A"), fighter("B"), fighter("C")]);
    ok(startInterlock(state, "T", "A", 0, positions)); // T is busy with A
    const queuedB = ok(startInterlock(state, "B", "T", 1, positions));
    const queuedC = ok(startInterlock(state, "C", "T", 2, positions));
    assert.deepEqual(queuedB, [
      { type: "interlock_queued", tick: 1, attackerId: "B", targetId: "T", position: 1 },
    ]);
    assert.equal(ofType(queuedC, "interlock_queued")[0]?.position, 2);
    assertNoThrash(state);

    const started: string[] = [];
    const ended: number[] = [];
    for (let tick = 1; tick <= 4 * ROUND; tick++) {
      for (const id of ["T", "A", "B", "C"])
        if (interlockOf(state, id)) ok(submitInterlockAction(state, id, part(0, id)));
      for (const e of stepCombat(state, tick, positions)) {
        if (e.type === "interlock_started") started.push(`${e.attackerId}@${tick}`);
        if (e.type === "interlock_ended") ended.push(tick);
      }
      assertNoThrash(state);
    }
    // Both withdraw, so each duel ends on its first round; the next in line enters on that same tick.
    assert.deepEqual(ended, [ROUND, 2 * ROUND, 3 * ROUND]);
    assert.deepEqual(started, [`B@${ROUND}`, `C@${2 * ROUND}`]);
    assert.equal(state.queues.size, 0);
  });

  it("lets a queued attacker keep free-attacking the busy target", () => {
    const { state, positions } = world(8, [fighter("T"), fighter("A"), fighter("B")]);
    ok(startInterlock(state, "A", "T", 0, positions));
    ok(startInterlock(state, "B", "T", 0, positions));
    const events = ok(useAbility(state, "B", "pistol", "T", 0, positions));
    assert.equal(events[0]?.type, "ability_used");
    assert.equal(state.queuedFor.get("B"), "T");
  });

  it("refuses a second queue place, a full queue, and frees the place on leaveQueue", () => {
    const cfg = config({}, { maxQueue: 1 });
    const { state, positions } = world(
      9,
      [fighter("T"), fighter("A"), fighter("B"), fighter("C"), fighter("U")],
      cfg,
    );
    ok(startInterlock(state, "A", "T", 0, positions));
    ok(startInterlock(state, "B", "T", 0, positions));
    const code = (a: string, b: string) => {
      const r = startInterlock(state, a, b, 0, positions);
      return r.ok ? "ok" : r.error.code;
    };
    assert.equal(code("C", "T"), "queue_full");
    assert.equal(code("B", "T"), "already_queued");
    assert.equal(code("B", "U"), "already_queued");
    assert.deepEqual(leaveQueue(state, "B", 1), [
      { type: "interlock_unqueued", tick: 1, attackerId: "B", targetId: "T", reason: "left" },
    ]);
    assert.equal(code("C", "T"), "ok");
    assertNoThrash(state);
  });

  it("drops queued attackers who wandered out of range, and releases everyone when the target dies", () => {
    const { state, positions } = world(10, [fighter("T"), fighter("A"), fighter("B"), fighter("C")]);
    ok(startInterlock(state, "A", "T", 0, positions));
    ok(startInterlock(state, "B", "T", 0, positions));
    ok(startInterlock(state, "C", "T", 0, positions));
    positions.set("B", { x: 50, y: 0 });
    get(state, "A").hp = 1;
    get(state, "T").style = { accuracy: 10_000, damage: 500 };
    ok(submitInterlockAction(state, "T", "quick"));
    let events: CombatEvent[] = [];
    for (let tick = 1; tick <= ROUND; tick++) events = events.concat(stepCombat(state, tick, positions));
    assert.deepEqual(
      ofType(events, "interlock_unqueued").map((e) => [e.attackerId, e.reason]),
      [["B", "out_of_range"]],
    );
    assert.equal(ofType(events, "interlock_started")[0]?.attackerId, "C");

    positions.set("B", { x: 2, y: 0 });
    ok(startInterlock(state, "B", "T", ROUND, positions)); // B walks back and queues again
    get(state, "T").hp = 0; // killed by something outside combat (a GM, a fall)
    events = stepCombat(state, ROUND + 1, positions);
    assert.deepEqual(
      events.map((e) => [
        e.type,
        e.type === "interlock_ended" ? e.reason : e.type === "interlock_unqueued" ? e.reason : "",
      ]),
      [
        ["interlock_ended", "death"],
        ["interlock_unqueued", "target_gone"],
      ],
    );
    assert.equal(ofType(events, "interlock_ended")[0]?.winnerId, "C");
    assert.equal(state.queues.size + state.queuedFor.size + state.engagedIn.size, 0);
  });

  it("never puts a target in two interlocks when many attackers keep trying (seeded stress)", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const ids = ["T", "A", "B", "C", "D"];
      const { state, positions } = world(
        seed,
        ids.map((id) => fighter(id)),
      );
      const choose = randomChooser(seed, ["quick", "power", "grab", "block", "withdraw", null]);
      const starts = new Map<string, number>();
      for (let tick = 1; tick <= 60 * ROUND; tick++) {
        for (const id of ids.slice(1)) startInterlock(state, id, "T", tick, positions);
        for (const id of ids)
          if (interlockOf(state, id) && tick % ROUND === 1) {
            const action = choose(0, id);
            if (action) ok(submitInterlockAction(state, id, action));
          }
        for (const e of stepCombat(state, tick, positions)) {
          if (e.type === "interlock_started") starts.set(e.interlockId, tick);
        }
        assertNoThrash(state);
        // Instant respawn keeps the target busy.
        for (const c of state.combatants.values()) if (c.hp <= 0) c.hp = c.maxHp;
      }
      assert.ok(starts.size >= 2, `seed ${seed}: only ${starts.size} duels`);
    }
  });
});

describe("interlock: a target pulled in while waiting elsewhere", () => {
  it("leaves its own queue place", () => {
    const { state, positions } = world(11, [fighter("X"), fighter("Y"), fighter("T"), fighter("P")]);
    ok(startInterlock(state, "X", "Y", 0, positions));
    ok(startInterlock(state, "T", "Y", 0, positions)); // T waits for Y
    const events = ok(startInterlock(state, "P", "T", 0, positions)); // P pulls T in
    assert.deepEqual(
      events.map((e) => e.type),
      ["interlock_unqueued", "interlock_started"],
    );
    assert.equal(state.queuedFor.has("T"), false);
    assertNoThrash(state);
  });
});
