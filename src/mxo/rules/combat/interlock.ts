import type { CombatEvent } from "./CombatEvent.js";
import { refuse, type CombatResult } from "./CombatResult.js";
import type { CombatState } from "./CombatState.js";
import { INTERLOCK_ACTIONS, type InterlockAction } from "./config.js";
import { distanceSquared, leaveAnyQueue, openInterlock } from "./engagement.js";
import type { Positions } from "./types.js";

/**
 * Pulls `targetId` into close combat. A target already in an interlock (or with
 * attackers already waiting) is not shared: the attacker joins the target's FIFO
 * queue and enters when the current duel ends (see `stepCombat`). Meanwhile the
 * queued attacker is free to keep free-attacking.
 */
export function startInterlock(
  state: CombatState,
  attackerId: string,
  targetId: string,
  tick: number,
  positions: Positions,
): CombatResult {
  const attacker = state.combatants.get(attackerId);
  if (!attacker || attacker.hp <= 0) return refuse({ code: "invalid_caster", id: attackerId });
  const target = state.combatants.get(targetId);
  if (!target || targetId === attackerId) return refuse({ code: "invalid_target", targetId });
  if (target.hp <= 0) return refuse({ code: "target_dead", targetId });
  if (state.engagedIn.has(attackerId)) return refuse({ code: "already_engaged", id: attackerId });
  const waitingFor = state.queuedFor.get(attackerId);
  if (waitingFor !== undefined)
    return refuse({ code: "already_queued", id: attackerId, targetId: waitingFor });
  const range = state.config.interlockRange;
  const d2 = distanceSquared(positions.get(attackerId), positions.get(targetId));
  if (d2 === undefined || d2 > range * range) {
    return refuse({ code: "out_of_range", distance: d2 === undefined ? Infinity : Math.sqrt(d2), range });
  }

  const events: CombatEvent[] = [];
  const queue = state.queues.get(targetId) ?? [];
  if (state.engagedIn.has(targetId) || queue.length > 0) {
    if (queue.length >= state.config.maxQueue) {
      return refuse({ code: "queue_full", targetId, size: queue.length });
    }
    queue.push(attackerId);
    state.queues.set(targetId, queue);
    state.queuedFor.set(attackerId, targetId);
    events.push({ type: "interlock_queued", tick, attackerId, targetId, position: queue.length });
    return { ok: true, events };
  }
  openInterlock(state, attacker, target, tick, events);
  return { ok: true, events };
}

/**
 * Chooses `fighterId`'s action for the coming round. `action` is unchecked
 * client input, hence `unknown`. Choosing anything else cancels a withdraw.
 */
export function submitInterlockAction(state: CombatState, fighterId: string, action: unknown): CombatResult {
  if (!isInterlockAction(action)) return refuse({ code: "invalid_action", action });
  const interlockId = state.engagedIn.get(fighterId);
  const interlock = interlockId === undefined ? undefined : state.interlocks.get(interlockId);
  if (!interlock) return refuse({ code: "not_in_interlock", id: fighterId });
  interlock.pending[interlock.fighters.a === fighterId ? "a" : "b"] = action;
  return { ok: true, events: [] };
}

/** Gives up a place in a queue (always succeeds; a no-op when not queued). */
export function leaveQueue(state: CombatState, attackerId: string, tick: number): CombatEvent[] {
  const events: CombatEvent[] = [];
  leaveAnyQueue(state, attackerId, "left", tick, events);
  return events;
}

export function isInterlockAction(value: unknown): value is InterlockAction {
  return typeof value === "string" && (INTERLOCK_ACTIONS as readonly string[]).includes(value);
}
