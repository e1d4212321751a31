import { STARTING_STATS, type CharacterStats } from "../characterRules.js";
import { STATS, type Stat } from "../combat/stats.js";

/**
 * Attribute points (CR2): every attribute starts at 5 and each level gained
 * brings one point to add to any of them ("You get one point to add to any
 * Stat each time you go up a level", SOE, "CR2.0: Attributes, Stats, and
 * Influences Explained", January 2006). Points are not stored: what is
 * unspent follows from the level and the attributes, so a GM `setstat level`
 * grants points and a GM `setstat focus` spends or refunds them.
 */

/**
 * Highest value points can raise an attribute to. No period source we reached
 * names a cap; ours is 30 (25 points on top of the starting 5, +50% to what it
 * influences), so a level-50 character (49 points) can max two attributes at
 * most and must choose. Equipment bonuses count on top of it.
 */
export const ATTRIBUTE_CAP = 30;

/** Sum of the starting attributes (25): what a character has before spending anything. */
const STARTING_TOTAL = STATS.reduce((sum, s) => sum + STARTING_STATS[s], 0);

/** Points spent so far: how far the attributes sum above the starting 25 (never negative). */
export function pointsSpent(stats: CharacterStats): number {
  return Math.max(0, STATS.reduce((sum, s) => sum + stats[s], 0) - STARTING_TOTAL);
}

/** Points earned and not spent: one per level gained, minus those spent (never negative). */
export function unspentPoints(stats: CharacterStats, level: number): number {
  return Math.max(0, Math.trunc(level) - 1 - pointsSpent(stats));
}

export type AllocateResult =
  { ok: true; stats: CharacterStats } | { ok: false; code: "no_points" | "stat_capped"; message: string };

/** Spends one point on `stat`: refused when none is unspent or the attribute is at the cap. */
export function allocatePoint(stats: CharacterStats, level: number, stat: Stat): AllocateResult {
  if (unspentPoints(stats, level) <= 0) {
    return {
      ok: false,
      code: "no_points",
      message: "You have no attribute points to spend: you earn one with every level",
    };
  }
  if (stats[stat] >= ATTRIBUTE_CAP) {
    return {
      ok: false,
      code: "stat_capped",
      message: `${attributeName(stat)} is at its cap of ${ATTRIBUTE_CAP}`,
    };
  }
  return { ok: true, stats: { ...stats, [stat]: stats[stat] + 1 } };
}

/** An attribute's name as a player reads it. */
export function attributeName(stat: Stat): string {
  return stat.charAt(0).toUpperCase() + stat.slice(1);
}
