import type { CoreStats } from "./stats.js";

/**
 * Plain data the combat rules read. Content packs (abilities, items, NPC
 * templates) and characters map onto these shapes; combat never loads anything.
 */

/**
 * MxO's three damage channels: close combat, firearms (MxO's "ballistic", named
 * "ranged" as in the content pack) and hacker code.
 */
export const DAMAGE_TYPES = ["melee", "ranged", "viral"] as const;
export type DamageType = (typeof DAMAGE_TYPES)[number];
export type PerDamageType = Record<DamageType, number>;

/** What a fighter brings to a fight: the same shape for players and NPCs. */
export interface CombatantStats {
  level: number;
  stats: CoreStats;
  maxHp: number;
  /** Maximum Inner Strength, the resource abilities spend. */
  maxIs: number;
  /** Base defence ratings from gear, style and buffs, before stat influences. */
  defence: PerDamageType;
  /** Base resistance ratings; `r` removes r / (r + 100) of same-type damage. */
  resistance: PerDamageType;
  /** The close-combat style used in interlock: a bundle of melee attributes. */
  style: { accuracy: number; damage: number };
}

export interface Combatant extends CombatantStats {
  id: string;
  hp: number;
  /** Current Inner Strength. */
  is: number;
  /** Ability ids currently loaded (MxO's memory slots). */
  loadout: readonly string[];
  /** Ability id → first tick at which it may be used again. */
  readyAt: Record<string, number>;
  /**
   * Running buffs and debuffs, summed (the game layer keeps them current):
   * fractions on free-attack accuracy and damage, flat rating on defence.
   */
  mods?: { accuracy: number; damage: number; defence: number };
  /**
   * Equipment (players): a fraction on free-attack accuracy, and the weapon,
   * whose mean damage is added to every free attack of its damage type (before
   * influences and resistance) and whose range is the least those attacks reach.
   */
  gear?: { accuracy: number; weapon?: { damageType: DamageType; damage: number; range: number } };
}

/** A free-attack ability: a bundle of attributes in one damage type. */
export interface AbilityDef {
  id: string;
  damageType: DamageType;
  /** Metres, centre to centre. */
  range: number;
  /** Converted to ticks with the config's tick rate, rounded up. */
  cooldownSeconds: number;
  isCost: number;
  accuracy: number;
  damage: number;
}

export interface Position {
  x: number;
  y: number;
  z?: number;
}

export type Positions = ReadonlyMap<string, Position>;
