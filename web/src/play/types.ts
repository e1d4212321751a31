/** What the district room replicates and sends, as the client reads it (README "The district room"). */

import type { DistrictState } from "../../../schema/DistrictState.js";
import type { NpcState } from "../../../schema/NpcState.js";
import type { PlayerState } from "../../../schema/PlayerState.js";
import type { EffectMessage } from "./OwnEffects.js";

// The server's schema classes, as types only: nothing of them is bundled
// (the SDK decodes the state from the handshake), but a renamed field breaks
// the client's typecheck.
export type DistrictStateView = DistrictState;
export type PlayerEntity = PlayerState;
export type NpcEntity = NpcState;

/** `schema/MoveInput.ts` as the SDK reflects it. */
export interface MoveInputData {
  seq: number;
  moveX: number;
  moveY: number;
}

export interface CharacterSummary {
  id: string;
  name: string;
  district: string;
  organization: string;
  level: number;
}

export interface ChatLine {
  from: string;
  channel: string;
  text: string;
  at: number;
  /** Set on the sender's own copy of a whisper. */
  to?: string;
}

export interface ServerErrorMessage {
  code: string;
  message: string;
}

export type Side = "a" | "b";

export interface RoundEntry {
  round: number;
  actions: Record<Side, string>;
  label: string;
  hits: Record<Side, boolean>;
  dealt: Record<Side, number>;
  escaped: Record<Side, boolean>;
  dazed: Record<Side, boolean>;
  after: Record<Side, { hp: number; is: number }>;
}

/** `combat` messages: `{kind:"combat", event}` and the game's own kinds. */
export type CombatMessage =
  | { kind: "combat"; tick: number; event: CombatEvent }
  | EffectMessage
  | { kind: "death"; id: string; entity: "player" | "npc"; killerId: string; template?: string }
  | { kind: "respawn"; sessionId: string; hardlineId: string; x: number; y: number; hp: number }
  | { kind: "xp"; sessionId: string; amount: number; experience: number; level?: number }
  | { kind: "level_up"; sessionId: string; level: number; maxHp: number; maxIs: number }
  | {
      kind: "loot";
      sessionId: string;
      npcId: string;
      template: string;
      items: { itemId: string; quantity: number }[];
      info: number;
    }
  | { kind: "kill"; sessionId: string; npcId: string; template: string };

export type CombatEvent =
  | { type: "ability_used"; casterId: string; abilityId: string; targetId: string }
  | { type: "miss"; sourceId: string; targetId: string; abilityId: string }
  | {
      type: "damage";
      sourceId: string;
      targetId: string;
      amount: number;
      damageType: string;
      hp: number;
      abilityId: string | null;
      interlockId: string | null;
    }
  | { type: "interlock_queued"; attackerId: string; targetId: string; position: number }
  | { type: "interlock_unqueued"; attackerId: string; targetId: string; reason: string }
  | { type: "interlock_started"; interlockId: string; attackerId: string; targetId: string }
  | { type: "round_resolved"; interlockId: string; entry: RoundEntry }
  | { type: "dazed"; interlockId: string; id: string }
  | { type: "withdrew"; interlockId: string; id: string }
  | { type: "interlock_ended"; interlockId: string; reason: string; winnerId: string | null };

export interface ObjectiveProgress {
  objective:
    | { kind: "meet"; contact: string }
    | { kind: "eliminate"; template: string; count: number }
    | { kind: "collect"; item: string; count: number }
    | { kind: "escort"; template: string };
  progress: number;
}

export type MissionMessage =
  | { kind: "accepted"; missionId: string; objectives: ObjectiveProgress[] }
  | { kind: "abandoned"; missionId: string }
  | { kind: "progress"; missionId: string; objectives: ObjectiveProgress[] }
  | {
      kind: "escort";
      missionId: string;
      npcId: string;
      template: string;
      to: { x: number; y: number; radius: number };
    }
  | { kind: "turn_in_failed"; missionId: string; message: string }
  | {
      kind: "completed";
      missionId: string;
      completion: number;
      rewards: { xp: number; info: number; items: { item: string; count: number }[] };
    };

export interface LoadoutMessage {
  kind: "current";
  abilities: string[];
  custom: boolean;
  memory: number;
  budget: number;
  /** Every ability the character knows, with whether it is loaded. */
  catalog?: {
    id: string;
    name: string;
    kind: string;
    target: string;
    range: number;
    cooldown: number;
    innerStrength: number;
    memoryCost: number;
    loaded: boolean;
  }[];
}
