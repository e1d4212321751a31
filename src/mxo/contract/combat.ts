import type { RoundLog, Side } from "../rules/combat/interlockLog.js";
import type { GameEvent } from "../rules/simulation/GameEvent.js";

/**
 * `combat`: the events of a step that concern a player, sent as the rules
 * produce them (src/mxo/rules/simulation/GameEvent.ts) to the sessions they
 * name. The step's other events (NPCs spawning, despawning, changing; an
 * escort arriving; an invalid input) show in the state or stay on the server.
 */
export type CombatMessage = CombatEventMessage | Extract<GameEvent, { kind: ForwardedKind }>;

type ForwardedKind = "death" | "respawn" | "xp" | "level_up" | "loot" | "kill" | "effect" | "item_used";

/**
 * A combat system event (attack, miss, damage, the interlock's queue, start,
 * rounds and end). Round events name only the duel, so they carry its
 * fighters (`a` pulled `b` in) for the client to tell its side.
 */
export type CombatEventMessage = Extract<GameEvent, { kind: "combat" }> & {
  fighters?: { a: string; b: string };
};

export type CombatEvent = CombatEventMessage["event"];

/** A support ability took effect: a heal and/or timed modifiers. */
export type EffectMessage = Extract<GameEvent, { kind: "effect" }>;

/** One resolved interlock round, as `round_resolved` carries it. */
export type RoundEntry = RoundLog;

export type { Side };
