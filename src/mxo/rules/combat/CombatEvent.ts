import type { DamageType } from "./types.js";
import type { InterlockEndReason, InterlockLog, RoundLog } from "./interlockLog.js";

/** What a combat call produced, in order; the room turns these into messages and state. */
export type CombatEvent =
  | {
      type: "ability_used";
      tick: number;
      casterId: string;
      abilityId: string;
      targetId: string;
      /** The opposed roll: u × accuracy against u × defence. */
      attackRoll: number;
      defenceRoll: number;
    }
  | { type: "miss"; tick: number; sourceId: string; targetId: string; abilityId: string }
  | {
      type: "damage";
      tick: number;
      sourceId: string;
      targetId: string;
      amount: number;
      damageType: DamageType;
      hp: number;
      /** The ability for a free attack, null for an interlock hit. */
      abilityId: string | null;
      interlockId: string | null;
    }
  | { type: "death"; tick: number; id: string; killerId: string; xp: number }
  | { type: "interlock_queued"; tick: number; attackerId: string; targetId: string; position: number }
  | {
      type: "interlock_unqueued";
      tick: number;
      attackerId: string;
      targetId: string;
      reason: "left" | "engaged" | "target_gone" | "dead" | "out_of_range";
    }
  | { type: "interlock_started"; tick: number; interlockId: string; attackerId: string; targetId: string }
  | { type: "round_resolved"; tick: number; interlockId: string; entry: RoundLog }
  | { type: "dazed"; tick: number; interlockId: string; id: string }
  | { type: "withdrew"; tick: number; interlockId: string; id: string }
  | {
      type: "interlock_ended";
      tick: number;
      interlockId: string;
      reason: InterlockEndReason;
      winnerId: string | null;
      log: InterlockLog;
    };
