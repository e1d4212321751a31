import type {
  ActiveMission,
  MissionCompletion,
  MissionDef,
  MissionEvent,
  MissionResult,
  MissionState,
  Objective,
  ObjectiveProgress,
} from "./types.js";

/**
 * Mission progress rules. Pure and copy-on-write: every function returns a new
 * state (or the same object when nothing changed) and never touches its input.
 * Granting the rewards (XP, items through the ledger, reputation) is the
 * caller's: `completeIfDone` says what they are.
 */

export const MAX_ACTIVE_MISSIONS = 5;

export function createMissionState(): MissionState {
  return { active: [], completed: {} };
}

/**
 * Errors, in the order checked: `unknown_mission` (no definition: the caller
 * looked the id up and found nothing), `already_active`, `already_completed`
 * (not repeatable), `level_too_low`, `too_many_active`.
 */
export function acceptMission(
  state: MissionState,
  def: MissionDef | undefined,
  playerLevel: number,
): MissionResult {
  if (!def) return { ok: false, error: "unknown_mission" };
  if (state.active.some((m) => m.missionId === def.id)) return { ok: false, error: "already_active" };
  if ((state.completed[def.id] ?? 0) > 0 && !def.repeatable) return { ok: false, error: "already_completed" };
  if (!(playerLevel >= def.minLevel)) return { ok: false, error: "level_too_low" };
  if (state.active.length >= MAX_ACTIVE_MISSIONS) return { ok: false, error: "too_many_active" };
  const mission: ActiveMission = {
    missionId: def.id,
    objectives: def.objectives.map((objective) => ({ objective: structuredClone(objective), progress: 0 })),
    rewards: structuredClone(def.rewards),
  };
  return { ok: true, state: { ...state, active: [...state.active, mission] } };
}

/** Drops a mission and its progress; it can be accepted again. */
export function abandonMission(state: MissionState, missionId: string): MissionResult {
  if (!state.active.some((m) => m.missionId === missionId)) return { ok: false, error: "not_active" };
  return { ok: true, state: { ...state, active: state.active.filter((m) => m.missionId !== missionId) } };
}

/**
 * Advances every matching objective of every active mission. Returns `state`
 * itself when nothing matched, so `next !== state` tells whether to send an
 * update. Kills beyond the count are ignored; items count down as well as up
 * (never below 0), so dropping a collected item undoes its progress.
 */
export function applyEvent(state: MissionState, event: MissionEvent): MissionState {
  let changed = false;
  const active = state.active.map((mission) => {
    let touched = false;
    const objectives = mission.objectives.map((entry) => {
      const progress = advance(entry, event);
      if (progress === entry.progress) return entry;
      touched = true;
      return { ...entry, progress };
    });
    if (!touched) return mission;
    changed = true;
    return { ...mission, objectives };
  });
  return changed ? { ...state, active } : state;
}

function advance({ objective, progress }: ObjectiveProgress, event: MissionEvent): number {
  switch (objective.kind) {
    case "meet":
      return event.kind === "meet" && event.contact === objective.contact ? 1 : progress;
    case "eliminate":
      return event.kind === "kill" && event.template === objective.template
        ? Math.min(objective.count, progress + 1)
        : progress;
    case "collect":
      // Not capped at the count: holding 5 of 3 and losing 1 still leaves the objective done.
      return event.kind === "item" && event.item === objective.item && Number.isFinite(event.count)
        ? Math.max(0, progress + Math.trunc(event.count))
        : progress;
    case "escort":
      return event.kind === "escorted" && event.template === objective.template ? 1 : progress;
  }
}

export function required(objective: Objective): number {
  return objective.kind === "eliminate" || objective.kind === "collect" ? objective.count : 1;
}

export function isMissionDone(mission: ActiveMission): boolean {
  return mission.objectives.every((o) => o.progress >= required(o.objective));
}

/**
 * Completes an active mission whose objectives are all met: it leaves the
 * active list and its completion count goes up. `null` when it is not active
 * or not done yet.
 *
 * Hand the rewards to the ledger with an idempotency key built from the
 * completion number (e.g. `mission:<character>:<mission>:<completion>`), so a
 * retried grant after a crash cannot pay twice.
 */
export function completeIfDone(state: MissionState, missionId: string): MissionCompletion | null {
  const mission = state.active.find((m) => m.missionId === missionId);
  if (!mission || !isMissionDone(mission)) return null;
  const completion = (state.completed[missionId] ?? 0) + 1;
  return {
    state: {
      active: state.active.filter((m) => m !== mission),
      completed: { ...state.completed, [missionId]: completion },
    },
    missionId,
    completion,
    rewards: structuredClone(mission.rewards),
    consumed: mission.objectives.flatMap(({ objective }) =>
      objective.kind === "collect" ? [{ item: objective.item, count: objective.count }] : [],
    ),
  };
}

/** Whether a point is inside an escort objective's destination; the world emits "escorted" when it is. */
export function escortArrived(
  objective: Extract<Objective, { kind: "escort" }>,
  x: number,
  y: number,
): boolean {
  return Math.hypot(x - objective.to.x, y - objective.to.y) <= objective.to.radius;
}
