import { MAX_LEVEL } from "../content/schema/common.js";
import { xpReward } from "./combat/index.js";

/**
 * Experience and levels. `experience` is the character's lifetime total (the
 * `experience` column); the level follows from it.
 *
 * Going from level L to L + 1 takes 50 × L × (L + 1): 100 for the first level.
 * With the shipped NPCs paying about 5 + L × (10 + L) at their level, that is
 * roughly 6 kills at level 1, 27 at level 10 and 40 at level 40: a flat-ish grind.
 */
export function experienceToNext(level: number): number {
  return 50 * level * (level + 1);
}

/** Total experience at which `level` is reached: 0 for level 1, 100 for level 2. */
export function experienceForLevel(level: number): number {
  const l = Math.max(1, Math.min(MAX_LEVEL, Math.trunc(level)));
  // Σ_{k=1}^{l−1} 50 k (k + 1) = 50 (l − 1) l (l + 1) / 3
  return (50 * (l - 1) * l * (l + 1)) / 3;
}

/** The level a lifetime total reaches, capped at `MAX_LEVEL`. */
export function levelForExperience(experience: number): number {
  let level = 1;
  while (level < MAX_LEVEL && experience >= experienceForLevel(level + 1)) level++;
  return level;
}

/**
 * XP for a kill: the template's `xp`, scaled by combat's level-difference rule
 * (`xpReward`: up to +50% for harder targets, 10% less per level below, nothing
 * from ten levels down), so farming far weaker NPCs stays pointless.
 */
export function killExperience(templateXp: number, killerLevel: number, victimLevel: number): number {
  const factor = xpReward(killerLevel, victimLevel) / xpReward(victimLevel, victimLevel);
  return Math.round(templateXp * factor);
}
