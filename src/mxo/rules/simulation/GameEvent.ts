import type { CombatEvent } from "../combat/index.js";
import type { NpcMode } from "../npc/types.js";

/**
 * What one step of a district produced, in order. Player ids are session ids,
 * NPC ids are `<zone>:<slot>`. The room turns these into client messages,
 * ledger grants (loot, XP) and mission progress (kills); the simulation grants
 * nothing itself.
 */
export type GameEvent =
  /** Everything combat reports except its `death` (replaced by the game's own `death` below). */
  | { kind: "combat"; tick: number; event: Exclude<CombatEvent, { type: "death" }> }
  | {
      kind: "death";
      tick: number;
      /** Session id or NPC id. */
      id: string;
      entity: "player" | "npc";
      /** Who dealt the killing blow (session id or NPC id). */
      killerId: string;
      /** The NPC's template, for NPC deaths. */
      template?: string;
      x: number;
      y: number;
      z: number;
    }
  | {
      kind: "respawn";
      tick: number;
      sessionId: string;
      hardlineId: string;
      x: number;
      y: number;
      z: number;
      hp: number;
    }
  | {
      kind: "xp";
      tick: number;
      sessionId: string;
      amount: number;
      /** Lifetime total after this gain. */
      experience: number;
      /** Present when the gain raised the level: the new level. */
      level?: number;
    }
  | { kind: "level_up"; tick: number; sessionId: string; level: number; maxHp: number; maxIs: number }
  | {
      kind: "loot";
      tick: number;
      sessionId: string;
      npcId: string;
      template: string;
      items: { itemId: string; quantity: number }[];
      /** Information (currency) dropped alongside. */
      info: number;
    }
  /** For mission progress: `applyEvent(missions, { kind: "kill", template })`. */
  | { kind: "kill"; tick: number; sessionId: string; npcId: string; template: string }
  | {
      kind: "npc_spawned";
      tick: number;
      npcId: string;
      template: string;
      x: number;
      y: number;
      z: number;
      /** False for the first spawn of a slot, true when a dead NPC comes back. */
      respawn: boolean;
    }
  | { kind: "npc_despawned"; tick: number; npcId: string; template: string }
  /**
   * A content deploy (`applyContent`) changed what the room shows of a live NPC
   * that stays: its template's name, level or max HP (its HP keeps its fraction).
   * The values are the NPC's after the change, as `npc(npcId)` gives them. An
   * NPC whose zone now spawns another template is despawned and spawned again
   * instead (`npc_despawned`, then `npc_spawned`).
   */
  | {
      kind: "npc_changed";
      tick: number;
      npcId: string;
      template: string;
      name: string;
      level: number;
      hp: number;
      maxHp: number;
    }
  /** A support ability took effect: a heal (`healed`, the target's `hp` after) and/or timed modifiers. */
  | {
      kind: "effect";
      tick: number;
      casterId: string;
      targetId: string;
      abilityId: string;
      healed?: number;
      hp?: number;
      modifiers: { attribute: string; amount: number; seconds: number }[];
    }
  /** A consumable took effect (the ledger took it first): HP and Inner Strength after, timed modifiers. */
  | {
      kind: "item_used";
      tick: number;
      sessionId: string;
      itemId: string;
      healed: number;
      hp: number;
      restored: number;
      is: number;
      modifiers: { attribute: string; amount: number; seconds: number }[];
    }
  /** An escorted NPC reached its destination with the player it followed. */
  | { kind: "escorted"; tick: number; sessionId: string; npcId: string; template: string }
  /** A movement input with a NaN or infinite component: acknowledged, not applied. */
  | { kind: "invalid_input"; tick: number; sessionId: string; seq: number };

export type GameEventKind = GameEvent["kind"];

/** What the room copies into `PlayerState` each tick. */
export interface PlayerView {
  sessionId: string;
  characterId: string;
  name: string;
  organization: string;
  x: number;
  y: number;
  z: number;
  heading: number;
  hp: number;
  maxHp: number;
  level: number;
  experience: number;
  /** Last applied input sequence number. */
  ack: number;
  /** Inner Strength (fractional: it regenerates per tick; round it for display). */
  is: number;
  maxIs: number;
  dead: boolean;
  /** The interlock the player is fighting in, if any (movement is frozen while it lasts). */
  interlockId: string | null;
}

/** What the room copies into `NpcState` each tick. */
export interface NpcView {
  id: string;
  template: string;
  name: string;
  level: number;
  x: number;
  y: number;
  z: number;
  heading: number;
  hp: number;
  maxHp: number;
  state: NpcMode;
  targetId: string | null;
}
