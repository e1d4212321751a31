import type { CombatEvent } from "./CombatEvent.js";
import type { CombatState, Interlock } from "./CombatState.js";
import { roundEnd } from "./duel.js";
import {
  endInterlock,
  externalChange,
  finishInterlock,
  openInterlock,
  reportHit,
  withinRange,
} from "./engagement.js";
import { SIDES, otherSide, type Sides } from "./interlockLog.js";
import { resolveRound } from "./resolveRound.js";
import { rated } from "./stats.js";
import type { Combatant, Positions } from "./types.js";

/**
 * One server tick of combat, called after the tick's inputs were applied:
 * regenerate Inner Strength, resolve every interlock whose round clock is due,
 * then let waiting attackers into targets that came free. Rounds are counted in
 * ticks from the interlock's start, so duels and free-attack cooldowns share
 * one clock and cannot drift apart.
 */
export function stepCombat(state: CombatState, tick: number, positions: Positions): CombatEvent[] {
  const events: CombatEvent[] = [];
  regenerate(state, Math.max(0, tick - state.tick));
  state.tick = tick;

  for (const interlock of [...state.interlocks.values()]) {
    const a = state.combatants.get(interlock.fighters.a);
    const b = state.combatants.get(interlock.fighters.b);
    if (!a || !b) endInterlock(state, interlock, "removed", tick, events);
    else if (a.hp <= 0 || b.hp <= 0) endInterlock(state, interlock, "death", tick, events);
    else if (tick >= interlock.nextRoundTick) resolveDue(state, interlock, { a, b }, tick, events);
  }

  admitQueued(state, tick, positions, events);
  return events;
}

function regenerate(state: CombatState, ticks: number): void {
  if (ticks === 0) return;
  const { isRegenPerSecond, tickRate } = state.config;
  for (const c of state.combatants.values()) {
    // Fighters in interlock recover Inner Strength only by blocking.
    if (c.hp <= 0 || state.engagedIn.has(c.id) || c.is >= c.maxIs) continue;
    const perTick = rated(isRegenPerSecond, c.stats, "innerStrength") / tickRate;
    c.is = Math.min(c.maxIs, c.is + perTick * ticks);
  }
}

/** Both fighters are alive and present (checked by the caller). */
function resolveDue(
  state: CombatState,
  interlock: Interlock,
  live: Sides<Combatant>,
  tick: number,
  events: CombatEvent[],
): void {
  const { rules, fighters } = interlock.log;
  const step = resolveRound(
    rules,
    fighters,
    interlock.duel,
    interlock.pending,
    externalChange(state, interlock),
    tick,
  );
  const entry = step.entry;
  interlock.duel = step.duel;
  interlock.pending = { a: null, b: null };
  interlock.nextRoundTick += rules.roundTicks;
  interlock.log.rounds.push(entry);
  events.push({ type: "round_resolved", tick, interlockId: interlock.id, entry });

  // The duel's numbers are authoritative: copy them back, then report.
  for (const side of SIDES) {
    live[side].hp = entry.after[side].hp;
    live[side].is = entry.after[side].is;
  }
  for (const side of SIDES) {
    if (!entry.hits[side]) continue;
    const hit = { tick, damageType: "melee" as const, abilityId: null, interlockId: interlock.id };
    reportHit(live[side], live[otherSide(side)], entry.dealt[side], true, hit, events);
  }
  for (const side of SIDES) {
    const id = interlock.fighters[side];
    if (entry.dazed[side]) events.push({ type: "dazed", tick, interlockId: interlock.id, id });
    if (entry.escaped[side]) events.push({ type: "withdrew", tick, interlockId: interlock.id, id });
  }

  const end = roundEnd(rules, fighters, interlock.duel, entry);
  if (end) finishInterlock(state, interlock, end, events);
}

/** First come, first served; attackers no longer able to fight are dropped with a reason. */
function admitQueued(state: CombatState, tick: number, positions: Positions, events: CombatEvent[]): void {
  for (const [targetId, queue] of state.queues) {
    const target = state.combatants.get(targetId);
    while (queue.length > 0 && !state.engagedIn.has(targetId)) {
      const attackerId = queue.shift() as string;
      state.queuedFor.delete(attackerId);
      const attacker = state.combatants.get(attackerId);
      const unqueue = (reason: "target_gone" | "dead" | "out_of_range") =>
        events.push({ type: "interlock_unqueued", tick, attackerId, targetId, reason });
      if (!target || target.hp <= 0) unqueue("target_gone");
      else if (!attacker || attacker.hp <= 0) unqueue("dead");
      else if (!withinRange(positions, attackerId, targetId, state.config.interlockRange))
        unqueue("out_of_range");
      else openInterlock(state, attacker, target, tick, events);
    }
    if (queue.length === 0) state.queues.delete(targetId);
  }
}
