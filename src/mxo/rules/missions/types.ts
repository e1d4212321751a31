import type { OrganizationId } from "../characterRules.js";

/**
 * Plain data of the mission rules: the minimal shape this module needs. The
 * content pack maps its mission definitions onto `MissionDef`; the character's
 * `MissionState` is JSON-safe so it can be persisted as is.
 */

export type Objective =
  /** Talk to a contact (an NPC or terminal id). */
  | { kind: "meet"; contact: string }
  /** Kill `count` NPCs of a template. */
  | { kind: "eliminate"; template: string; count: number }
  /** Hold `count` of an item; they are handed in (taken) on completion. */
  | { kind: "collect"; item: string; count: number }
  /** Bring an NPC of a template into the circle `to`; the world reports it with an "escorted" event. */
  | { kind: "escort"; template: string; to: { x: number; y: number; radius: number } };

export interface ItemStack {
  item: string;
  count: number;
}

export interface MissionRewards {
  xp: number;
  items: ItemStack[];
  /** Gains (or losses) per organization, applied with `applyReputationRewards`. */
  reputation: Partial<Record<OrganizationId, number>>;
}

export interface MissionDef {
  id: string;
  minLevel: number;
  /** Can be accepted again once completed. */
  repeatable: boolean;
  /** All objectives progress at once, in any order. */
  objectives: Objective[];
  rewards: MissionRewards;
}

export type MissionEvent =
  | { kind: "kill"; template: string }
  /** `count` gained (negative: lost, dropped, traded away). */
  | { kind: "item"; item: string; count: number }
  | { kind: "meet"; contact: string }
  | { kind: "escorted"; template: string };

export interface ObjectiveProgress {
  objective: Objective;
  /** Kills, items held since acceptance, or 0/1 for meet and escort. */
  progress: number;
}

/**
 * A mission in progress. Objectives and rewards are copied from the definition
 * when it is accepted: a content reload does not change a mission under way.
 */
export interface ActiveMission {
  missionId: string;
  objectives: ObjectiveProgress[];
  rewards: MissionRewards;
}

export interface MissionState {
  /** In order of acceptance. */
  active: ActiveMission[];
  /** How many times each mission was completed. */
  completed: Record<string, number>;
}

export type MissionErrorCode =
  | "unknown_mission"
  | "already_active"
  | "already_completed"
  | "level_too_low"
  | "too_many_active"
  | "not_active";

export type MissionResult = { ok: true; state: MissionState } | { ok: false; error: MissionErrorCode };

export interface MissionCompletion {
  state: MissionState;
  missionId: string;
  /** 1 for the first completion, 2 for the second of a repeatable one… Part of the reward's idempotency key. */
  completion: number;
  rewards: MissionRewards;
  /** Items the collect objectives hand in: to take from the inventory along with granting the rewards. */
  consumed: ItemStack[];
}
