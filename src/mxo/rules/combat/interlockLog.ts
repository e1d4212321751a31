import type { InterlockAction, InterlockRules } from "./config.js";
import type { RngState } from "./rng.js";
import type { CoreStats } from "./stats.js";

/**
 * The record of one interlock: everything needed to re-run it (rules, seed,
 * fighters, per-round inputs and outside changes) plus everything it produced
 * (rolls, hits, damage, statuses, end). Plain JSON: no undefined, no Maps.
 */
export type Side = "a" | "b";
export const SIDES: readonly Side[] = ["a", "b"];
export type Sides<T> = { a: T; b: T };

export function otherSide(side: Side): Side {
  return side === "a" ? "b" : "a";
}

export interface HpIs {
  hp: number;
  is: number;
}

/** A fighter's melee attributes, frozen when the interlock starts. */
export interface FighterSnapshot {
  id: string;
  level: number;
  stats: CoreStats;
  maxHp: number;
  maxIs: number;
  style: { accuracy: number; damage: number };
  meleeDefence: number;
  meleeResistance: number;
}

export type RollKind = "withdraw" | "pursuit" | "rating" | "attack" | "defence" | "damage" | "daze";

/**
 * One draw from the interlock's RNG. `u` is the raw draw in [0, 1); `value` is
 * what it became: u × score for contests, the final damage for `damage`, and u
 * itself for `daze` (compared with the daze chance).
 */
export interface RollLog {
  side: Side;
  kind: RollKind;
  u: number;
  value: number;
}

export interface RoundLog {
  round: number;
  tick: number;
  /** What each fighter submitted this round; null = nothing in time. */
  inputs: Sides<InterlockAction | null>;
  /** HP/IS changed by the outside world (free attacks, heals) since the previous round. */
  external: Sides<HpIs>;
  /** What each fighter actually did, after defaults and IS fallbacks. */
  actions: Sides<InterlockAction>;
  dazedBefore: Sides<boolean>;
  rolls: RollLog[];
  /**
   * CR1: "table" (both rolled, one with the tactic edge), "roll" (both rolled,
   * no edge), "withdraw" or "idle"; CR2: "rolls" or "withdraw".
   */
  decidedBy: "table" | "roll" | "rolls" | "withdraw" | "idle";
  /** MxO's notation, first slot = a's attack landed, second = b's attack landed. */
  label: "win/win" | "win/lose" | "lose/win" | "lose/lose";
  hits: Sides<boolean>;
  /** Damage each side dealt to the other. */
  dealt: Sides<number>;
  escaped: Sides<boolean>;
  /** Dazed by this round's quick hits; the penalty applies to the next round. */
  dazed: Sides<boolean>;
  after: Sides<HpIs>;
}

export type InterlockEndReason = "death" | "withdrew" | "timeout" | "removed";

export interface InterlockEnd {
  /** Rounds resolved when it ended. */
  round: number;
  tick: number;
  reason: InterlockEndReason;
  /** Fighter id of the survivor on a death; null otherwise (and on a double KO). */
  winner: string | null;
  /** Outside HP/IS changes after the last round (all zero when a round ended it). */
  external: Sides<HpIs>;
  final: Sides<HpIs>;
}

/**
 * 2: CR1 rounds are always rolled (the table gives `rules.cr1Edge`, a field
 * version 1 lacks); a version-1 CR1 log was decided by other rules.
 */
export const INTERLOCK_LOG_VERSION = 2;

export interface InterlockLog {
  version: typeof INTERLOCK_LOG_VERSION;
  id: string;
  rules: InterlockRules;
  /** RNG state at the start; the interlock's own stream, independent of the world's. */
  seed: number;
  startTick: number;
  fighters: Sides<FighterSnapshot>;
  start: Sides<HpIs>;
  rounds: RoundLog[];
  end: InterlockEnd | null;
}

/** The running state of a duel between rounds. */
export interface DuelState {
  round: number;
  rng: RngState;
  hp: Sides<number>;
  is: Sides<number>;
  dazed: Sides<boolean>;
  lastAction: Sides<InterlockAction | null>;
}
