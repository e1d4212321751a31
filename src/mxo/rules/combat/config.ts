/** Tunable numbers for combat. Interlock rules are copied into each interlock's log. */

export const INTERLOCK_ACTIONS = ["quick", "power", "grab", "block", "withdraw"] as const;
export type InterlockAction = (typeof INTERLOCK_ACTIONS)[number];

/** CR1: zero-sum rounds (one winner); CR2: two independent rolls per round. */
export type Ruleset = "cr1" | "cr2";

export interface ActionProfile {
  /** Multiplies accuracy in CR2; 0 means the action makes no attack (block, withdraw). */
  attack: number;
  /** Multiplies defence in CR2 (and the withdraw contest). */
  defence: number;
  /** Multiplies style damage when this action lands; block's value is its CR1 counter. */
  damage: number;
  /** Inner Strength spent when the round resolves; short fighters fall back to `quick`. */
  isCost: number;
}

export interface InterlockRules {
  ruleset: Ruleset;
  /** Server ticks per round; rounds resolve on the tick clock, never on wall time. */
  roundTicks: number;
  /** Bound on a fight two idle blockers would never end. */
  maxRounds: number;
  /** Applied when a fighter has not chosen by the end of the round (unless withdrawing). */
  defaultAction: Exclude<InterlockAction, "withdraw">;
  actions: Record<InterlockAction, ActionProfile>;
  /** CR2: attack (and defence) multiplier for the side whose action beats the other's. */
  advantage: number;
  /**
   * CR1: multiplier on the opposed roll of the fighter whose tactic beats the
   * other's (see README.md). Clamped to 1..CR1_MAX_EDGE when used, so no table
   * pairing is ever a sure win.
   */
  cr1Edge: number;
  /** Inner Strength a block recovers each round, before the Belief influence. */
  blockIsGain: number;
  /** Chance a landed quick attack dazes. */
  dazeChance: number;
  /** A dazed fighter's accuracy and defence are multiplied by 1 − dazePenalty for one round. */
  dazePenalty: number;
  /** Withdraw contest: defence × withdrawFactor against the opponent's accuracy. */
  withdrawFactor: number;
  /** Damage spreads uniformly ±variance around its mean. */
  damageVariance: number;
}

export interface CombatConfig {
  tickRate: number;
  /** Metres within which an attacker may pull a target into interlock. */
  interlockRange: number;
  /** Attackers waiting on one target; more are refused (`queue_full`). */
  maxQueue: number;
  /** Passive Inner Strength regeneration outside interlock, before the Belief influence. */
  isRegenPerSecond: number;
  interlock: InterlockRules;
}

export const ROUND_SECONDS = 3;

/** Upper bound of `cr1Edge`: at ×2 the favoured tactic wins 3 rounds in 4 between equals, never all. */
export const CR1_MAX_EDGE = 2;

export const DEFAULT_INTERLOCK_ACTIONS: Readonly<Record<InterlockAction, ActionProfile>> = {
  quick: { attack: 1, defence: 1, damage: 0.8, isCost: 0 },
  power: { attack: 0.9, defence: 0.9, damage: 1.4, isCost: 10 },
  grab: { attack: 1, defence: 0.95, damage: 1.1, isCost: 6 },
  block: { attack: 0, defence: 1.3, damage: 0.5, isCost: 0 },
  withdraw: { attack: 0, defence: 1, damage: 0, isCost: 0 },
};

/** Whole ticks covering `seconds`, rounded up (0.15 s at 20 Hz is 3 ticks, not 4). */
export function secondsToTicks(seconds: number, tickRate: number): number {
  return Math.max(0, Math.ceil(seconds * tickRate - 1e-9));
}

/** Defaults for a server ticking at `tickRate` Hz; `overrides` replace top-level fields. */
export function makeCombatConfig(
  tickRate: number,
  overrides: Partial<Omit<CombatConfig, "interlock">> & { interlock?: Partial<InterlockRules> } = {},
): CombatConfig {
  const { interlock, ...rest } = overrides;
  return {
    tickRate,
    interlockRange: 3,
    maxQueue: 8,
    isRegenPerSecond: 2,
    ...rest,
    interlock: {
      ruleset: "cr2",
      roundTicks: Math.max(1, secondsToTicks(ROUND_SECONDS, tickRate)),
      maxRounds: 200,
      defaultAction: "block",
      actions: { ...DEFAULT_INTERLOCK_ACTIONS },
      advantage: 1.3,
      cr1Edge: 1.5,
      blockIsGain: 15,
      dazeChance: 0.35,
      dazePenalty: 0.25,
      withdrawFactor: 0.8,
      damageVariance: 0.1,
      ...interlock,
    },
  };
}
