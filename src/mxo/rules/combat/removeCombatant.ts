import type { CombatEvent } from "./CombatEvent.js";
import type { CombatState } from "./CombatState.js";
import { endInterlock, leaveAnyQueue } from "./engagement.js";

/**
 * Takes a combatant out of the world (logout, despawn, travel): its interlock
 * ends as "removed", it leaves any queue, and those waiting for it are released.
 */
export function removeCombatant(state: CombatState, id: string, tick: number): CombatEvent[] {
  const events: CombatEvent[] = [];
  const interlockId = state.engagedIn.get(id);
  const interlock = interlockId === undefined ? undefined : state.interlocks.get(interlockId);
  // End before deleting, so the outside-change record still sees the leaver's HP.
  if (interlock) endInterlock(state, interlock, "removed", tick, events);
  leaveAnyQueue(state, id, "left", tick, events);
  for (const attackerId of state.queues.get(id) ?? []) {
    state.queuedFor.delete(attackerId);
    events.push({ type: "interlock_unqueued", tick, attackerId, targetId: id, reason: "target_gone" });
  }
  state.queues.delete(id);
  state.combatants.delete(id);
  return events;
}
