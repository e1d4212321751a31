import type { DamageType } from "./types.js";

/**
 * CR2 stats and their influences: each point of a stat above 5 adds 2% to every
 * attribute the stat influences. Points below 5 give no penalty (players never
 * drop below 5; NPC templates may, and are simply unboosted).
 */
export const STATS = ["focus", "perception", "reason", "belief", "vitality"] as const;
export type Stat = (typeof STATS)[number];
export type CoreStats = Record<Stat, number>;

export const BASE_STAT = 5;
export const BONUS_PER_POINT = 0.02;

export type Attribute = `${DamageType}${"Accuracy" | "Damage" | "Defence" | "Resistance"}` | "innerStrength";

/**
 * Which attributes each stat boosts. The Focus row and "Belief → melee accuracy"
 * follow SOE's 2006 CR2 notes; the rest is ours (see README.md). Every attribute
 * is influenced by exactly one stat, so no stat is a strict upgrade of another.
 */
export const STAT_INFLUENCES: Readonly<Record<Stat, readonly Attribute[]>> = {
  focus: ["rangedAccuracy", "meleeDamage", "meleeDefence", "rangedResistance"],
  perception: ["rangedDamage", "rangedDefence"],
  reason: ["viralAccuracy", "viralDamage", "viralDefence"],
  belief: ["meleeAccuracy", "viralResistance", "innerStrength"],
  vitality: ["meleeResistance"],
};

const INFLUENCED_BY: ReadonlyMap<Attribute, Stat> = new Map(
  STATS.flatMap((stat) => STAT_INFLUENCES[stat].map((attribute) => [attribute, stat] as const)),
);

/** The fractional bonus a stat value grants: 10 → 0.10. */
export function statBonus(value: number): number {
  return Math.max(0, value - BASE_STAT) * BONUS_PER_POINT;
}

/** The fractional bonus `stats` grant to `attribute`. */
export function influence(stats: CoreStats, attribute: Attribute): number {
  const stat = INFLUENCED_BY.get(attribute);
  return stat ? statBonus(stats[stat]) : 0;
}

/** A base attribute value with the stat influence applied. */
export function rated(base: number, stats: CoreStats, attribute: Attribute): number {
  return base * (1 + influence(stats, attribute));
}
