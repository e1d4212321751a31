import type { CombatEvent } from "./CombatEvent.js";
import type { CombatState, Interlock } from "./CombatState.js";
import { externalEnd, openDuel, snapshotFighter } from "./duel.js";
import {
  INTERLOCK_LOG_VERSION,
  SIDES,
  type HpIs,
  type InterlockEnd,
  type InterlockEndReason,
  type Sides,
} from "./interlockLog.js";
import { nextUint32 } from "./rng.js";
import type { Combatant, Position, Positions } from "./types.js";
import { xpReward } from "./xpReward.js";

/** State transitions shared by the public entry points; not exported from index.ts. */

export function openInterlock(
  state: CombatState,
  attacker: Combatant,
  target: Combatant,
  tick: number,
  events: CombatEvent[],
): Interlock {
  for (const id of [attacker.id, target.id]) leaveAnyQueue(state, id, "engaged", tick, events);
  const id = `il-${state.nextInterlockId++}`;
  const seed = nextUint32(state.rng);
  const start = { a: { hp: attacker.hp, is: attacker.is }, b: { hp: target.hp, is: target.is } };
  const interlock: Interlock = {
    id,
    fighters: { a: attacker.id, b: target.id },
    nextRoundTick: tick + state.config.interlock.roundTicks,
    pending: { a: null, b: null },
    duel: openDuel(seed, start),
    log: {
      version: INTERLOCK_LOG_VERSION,
      id,
      rules: structuredClone(state.config.interlock),
      seed,
      startTick: tick,
      fighters: { a: snapshotFighter(attacker), b: snapshotFighter(target) },
      start,
      rounds: [],
      end: null,
    },
  };
  state.interlocks.set(id, interlock);
  state.engagedIn.set(attacker.id, id);
  state.engagedIn.set(target.id, id);
  events.push({
    type: "interlock_started",
    tick,
    interlockId: id,
    attackerId: attacker.id,
    targetId: target.id,
  });
  return interlock;
}

/** HP/IS the world changed since the duel last looked (free attacks, heals, GM edits). */
export function externalChange(state: CombatState, interlock: Interlock): Sides<HpIs> {
  const delta = (side: "a" | "b"): HpIs => {
    const c = state.combatants.get(interlock.fighters[side]);
    if (!c) return { hp: 0, is: 0 };
    return { hp: c.hp - interlock.duel.hp[side], is: c.is - interlock.duel.is[side] };
  };
  return { a: delta("a"), b: delta("b") };
}

/** Ends an interlock between rounds, recording outside changes so a replay sees them too. */
export function endInterlock(
  state: CombatState,
  interlock: Interlock,
  reason: InterlockEndReason,
  tick: number,
  events: CombatEvent[],
): void {
  const end = externalEnd(
    interlock.log.fighters,
    interlock.duel,
    reason,
    externalChange(state, interlock),
    tick,
  );
  finishInterlock(state, interlock, end, events);
}

export function finishInterlock(
  state: CombatState,
  interlock: Interlock,
  end: InterlockEnd,
  events: CombatEvent[],
): void {
  interlock.log.end = end;
  state.interlocks.delete(interlock.id);
  for (const side of SIDES) state.engagedIn.delete(interlock.fighters[side]);
  events.push({
    type: "interlock_ended",
    tick: end.tick,
    interlockId: interlock.id,
    reason: end.reason,
    winnerId: end.winner,
    log: interlock.log,
  });
}

export function leaveAnyQueue(
  state: CombatState,
  attackerId: string,
  reason: "left" | "engaged" | "dead",
  tick: number,
  events: CombatEvent[],
): void {
  const targetId = state.queuedFor.get(attackerId);
  if (targetId === undefined) return;
  state.queuedFor.delete(attackerId);
  const queue = state.queues.get(targetId);
  if (queue) {
    const at = queue.indexOf(attackerId);
    if (at >= 0) queue.splice(at, 1);
    if (queue.length === 0) state.queues.delete(targetId);
  }
  events.push({ type: "interlock_unqueued", tick, attackerId, targetId, reason });
}

type HitInfo = Omit<
  Extract<CombatEvent, { type: "damage" }>,
  "type" | "sourceId" | "targetId" | "amount" | "hp"
>;

/** Lowers HP and reports it. */
export function applyDamage(
  source: Combatant,
  target: Combatant,
  amount: number,
  hit: HitInfo,
  events: CombatEvent[],
): void {
  const wasAlive = target.hp > 0;
  target.hp = Math.max(0, target.hp - amount);
  reportHit(source, target, amount, wasAlive, hit, events);
}

/** A damage event for HP already lowered, and a death (with its XP) on the killing blow only. */
export function reportHit(
  source: Combatant,
  target: Combatant,
  amount: number,
  wasAlive: boolean,
  hit: HitInfo,
  events: CombatEvent[],
): void {
  events.push({ type: "damage", sourceId: source.id, targetId: target.id, amount, hp: target.hp, ...hit });
  if (wasAlive && target.hp <= 0) {
    const xp = xpReward(source.level, target.level);
    events.push({ type: "death", tick: hit.tick, id: target.id, killerId: source.id, xp });
  }
}

/** Squared-distance test: exact arithmetic, no sqrt needed to decide. */
export function withinRange(positions: Positions, aId: string, bId: string, range: number): boolean {
  const d2 = distanceSquared(positions.get(aId), positions.get(bId));
  return d2 !== undefined && d2 <= range * range;
}

export function distanceSquared(a: Position | undefined, b: Position | undefined): number | undefined {
  if (!a || !b) return undefined;
  const dx = a.x - b.x;
  const dy = a.y - b.y;
  const dz = (a.z ?? 0) - (b.z ?? 0);
  return dx * dx + dy * dy + dz * dz;
}
