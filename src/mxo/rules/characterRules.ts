/**
 * What a character is, as the rules see it. The TypeORM entity
 * (entities/Character.ts) stores these types; the rules never import it.
 */

export const ORGANIZATIONS = ["zion", "machines", "merovingian"] as const;
export type OrganizationId = (typeof ORGANIZATIONS)[number];
/** The organization a character belongs to. */
export type Organization = OrganizationId;

/** The five CR2 attributes; each point above 5 adds a bonus to what it influences. */
export interface CharacterStats {
  focus: number;
  perception: number;
  reason: number;
  belief: number;
  vitality: number;
}

/** CR2 starts every attribute at 5; points above 5 carry bonuses. */
export const STARTING_STATS: Readonly<CharacterStats> = {
  focus: 5,
  perception: 5,
  reason: 5,
  belief: 5,
  vitality: 5,
};

export const STARTING_DISTRICT = "richland";

/** Health grows with Vitality and level. */
export function maxHealth(stats: CharacterStats, level: number): number {
  return 100 + stats.vitality * 20 + (level - 1) * 25;
}
