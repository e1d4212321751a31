import type { CombatError, CombatErrorCode } from "../combat/index.js";

/**
 * Why a player's request was refused: combat's codes plus the simulation's own.
 * Errors are values; the room sends `{code, message}` to the client as is.
 */
export type GameErrorCode =
  | Exclude<CombatErrorCode, "not_in_interlock">
  /** The session is not in this district, or the target does not exist. */
  | "not_found"
  /** Player against player outside a PvP district. */
  | "pvp_disabled"
  /** The requester is dead (waiting to respawn). */
  | "dead"
  /** An interlock action while not fighting in one. */
  | "not_interlocked";

export interface GameError {
  code: GameErrorCode;
  message: string;
}

export type GameResult = { ok: true } | { ok: false; error: GameError };

export const OK: GameResult = Object.freeze({ ok: true });

export function refuse(code: GameErrorCode, message: string): GameResult {
  return { ok: false, error: { code, message } };
}

/**
 * What a refusal's message needs to speak a player's language: abilities and
 * fighters by name, and waits in seconds (ids and ticks never reach players).
 */
export interface RefusalWords {
  ability(id: string): string;
  fighter(id: string): string;
  /** Whole seconds (at least 1) until `tick`. */
  secondsUntil(tick: number): number;
}

/** A combat refusal as a game error with a readable message. */
export function fromCombatError(e: CombatError, words: RefusalWords): GameResult {
  switch (e.code) {
    case "invalid_caster":
      return refuse("dead", "You cannot act while defeated");
    case "unknown_ability":
      return refuse(e.code, `${words.ability(e.abilityId)} cannot be used in combat`);
    case "not_in_loadout":
      return refuse(e.code, `${words.ability(e.abilityId)} is not loaded: load it at a hardline`);
    case "invalid_target":
      return refuse(e.code, "That is not a valid target");
    case "target_dead":
      return refuse(e.code, "The target is already defeated");
    case "in_interlock":
      return refuse(e.code, "Your hands are full: you are in close combat");
    case "on_cooldown":
      return refuse(
        e.code,
        `${words.ability(e.abilityId)} is ready again in ${words.secondsUntil(e.readyTick)} s`,
      );
    case "not_enough_is":
      return refuse(e.code, `Not enough Inner Strength: need ${e.need}, have ${Math.floor(e.have)}`);
    case "out_of_range":
      return refuse(
        e.code,
        Number.isFinite(e.distance)
          ? `Target out of range: ${e.distance.toFixed(1)} units away, reach ${e.range}`
          : "Target out of range",
      );
    case "already_engaged":
      return refuse(e.code, "Already in close combat");
    case "already_queued":
      return refuse(e.code, `Already waiting to engage ${words.fighter(e.targetId)}`);
    case "queue_full":
      return refuse(e.code, `Too many are waiting to engage ${words.fighter(e.targetId)}`);
    case "not_in_interlock":
      return refuse("not_interlocked", "You are not in close combat");
    case "invalid_action":
      return refuse(e.code, "Unknown close-combat action");
  }
}
