import type { Reputation } from "../rules/missions/reputation.js";
import type { ActiveMission, ItemStack, MissionRewards, ObjectiveProgress } from "../rules/missions/types.js";

export type { ActiveMission, ObjectiveProgress };

/**
 * `mission`: the player's mission log as the server keeps it. `state` on join
 * (and after a move to another process); then one update per change.
 */
export type MissionUpdate =
  | { kind: "state"; active: ActiveMission[]; completed: Record<string, number> }
  | { kind: "accepted"; missionId: string; objectives: ObjectiveProgress[] }
  | { kind: "abandoned"; missionId: string }
  | { kind: "progress"; missionId: string; objectives: ObjectiveProgress[] }
  /** An escort objective's NPC appeared by the player and follows it to `to`. */
  | {
      kind: "escort";
      missionId: string;
      npcId: string;
      template: string;
      to: { x: number; y: number; radius: number };
    }
  /** Handing in the collected items failed (they are no longer all held): `mission {action:"turn_in"}` retries. */
  | { kind: "turn_in_failed"; missionId: string; message: string }
  | {
      kind: "completed";
      missionId: string;
      /** 1 for the first completion, 2 for the second of a repeatable one… */
      completion: number;
      /** `info`: the information (currency) paid beside the items. */
      rewards: MissionRewards & { info: number };
      /** Items the collect objectives took. */
      handedIn: ItemStack[];
      /** Standing with each organization after the rewards. */
      reputation: Reputation;
    };
