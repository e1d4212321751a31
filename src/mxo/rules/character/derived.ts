import {
  accuracyRating,
  playerMaxIs,
  STANDARD_DEFENCE,
  STANDARD_RESISTANCE,
  STYLE_ACCURACY,
} from "../adapters.js";
import { maxHealth, type CharacterStats } from "../characterRules.js";
import { influence, rated, STATS } from "../combat/stats.js";
import { DAMAGE_TYPES, type DamageType, type PerDamageType } from "../combat/types.js";
import type { Gear, WeaponGear } from "./equipment.js";

/**
 * The figures that follow from a character's level, allocated attributes and
 * equipment: what the `character` sheet shows and what its combatant fights
 * with. Pure; the simulation applies them (simulation/character.ts).
 */

export interface DerivedInput {
  /** The attributes as allocated (5 each plus points spent). */
  stats: CharacterStats;
  level: number;
  gear: Gear;
  /**
   * The content hit chance (0..1) of the basic attack of the character's
   * style (Awakened's strike or shot), for the sheet's accuracy figure;
   * undefined: the close-combat style's rating.
   */
  basicHitChance?: number;
}

/** What combat reads from the derivation (the rest of the combatant is level, loadout and cooldowns). */
export interface CombatFigures {
  stats: CharacterStats;
  maxHp: number;
  maxIs: number;
  /** Base ratings before stat influences (combat applies those). */
  defence: PerDamageType;
  resistance: PerDamageType;
  /** Interlock style accuracy, with equipment's accuracy. */
  styleAccuracy: number;
  /** Added to the close-combat style damage: a melee weapon's mean damage. */
  styleDamageBonus: number;
  /** Equipment's accuracy fraction, for free attacks. */
  accuracy: number;
  weapon?: WeaponGear;
}

/** The sheet's `derived` (contract `DerivedFigures`), beside the combat figures. */
export interface DerivedFigures {
  stats: CharacterStats;
  maxHp: number;
  maxIs: number;
  accuracy: number;
  damage: number;
  defence: number;
  resistance: PerDamageType;
}

export interface Derived {
  /** The character's fighting style: its weapon's damage type, melee when unarmed. */
  style: DamageType;
  combat: CombatFigures;
  sheet: DerivedFigures;
}

/**
 * Effective attributes are the allocated ones plus equipment's (never below
 * 0). Max HP is `maxHealth` of the effective attributes plus equipment's HP;
 * max Inner Strength is `playerMaxIs(level)` raised by Belief's 2 % per point
 * (its `innerStrength` influence) plus equipment's. Defence and resistance
 * ratings start from the standard ones plus equipment's flat bonuses.
 *
 * The sheet's accuracy, damage and defence are for the style: accuracy is
 * the hit chance of the style's basic attack against a same-level target of
 * standard defence (the opposed roll u × a against u × d), damage the
 * multiplier the attributes give the style's damage, defence the style's
 * defence rating with its influence; resistances are rated per type.
 */
export function deriveCharacter(input: DerivedInput): Derived {
  const { level, gear } = input;
  const stats = { ...input.stats };
  for (const stat of STATS) stats[stat] = Math.max(0, input.stats[stat] + gear.stats[stat]);
  const style: DamageType = gear.weapon?.damageType ?? "melee";
  const defence = flat(STANDARD_DEFENCE + gear.defence);
  const resistance = { ...flat(STANDARD_RESISTANCE) };
  for (const type of DAMAGE_TYPES) resistance[type] = Math.max(0, resistance[type] + gear.resistance[type]);
  const maxHp = Math.max(1, maxHealth(stats, level) + gear.hp);
  const maxIs = Math.max(
    1,
    Math.round(playerMaxIs(level) * (1 + influence(stats, "innerStrength"))) + gear.innerStrength,
  );
  const accuracyFactor = Math.max(0, 1 + gear.accuracy);
  const combat: CombatFigures = {
    stats,
    maxHp,
    maxIs,
    defence,
    resistance,
    styleAccuracy: STYLE_ACCURACY * accuracyFactor,
    styleDamageBonus: gear.weapon?.damageType === "melee" ? gear.weapon.damage : 0,
    accuracy: gear.accuracy,
    ...(gear.weapon ? { weapon: { ...gear.weapon } } : {}),
  };
  const base = input.basicHitChance === undefined ? STYLE_ACCURACY : accuracyRating(input.basicHitChance);
  const attack = rated(base, stats, `${style}Accuracy`) * accuracyFactor;
  const sheet: DerivedFigures = {
    stats,
    maxHp,
    maxIs,
    accuracy: round(hitChance(attack, STANDARD_DEFENCE), 3),
    damage: round(1 + influence(stats, `${style}Damage`), 3),
    defence: round(rated(defence[style], stats, `${style}Defence`), 1),
    resistance: {
      melee: round(rated(resistance.melee, stats, "meleeResistance"), 1),
      ranged: round(rated(resistance.ranged, stats, "rangedResistance"), 1),
      viral: round(rated(resistance.viral, stats, "viralResistance"), 1),
    },
  };
  return { style, combat, sheet };
}

/** The opposed roll's chance that u × attack beats u × defence (combat's README). */
export function hitChance(attack: number, defence: number): number {
  if (attack <= 0) return 0;
  if (defence <= 0) return 1;
  return attack >= defence ? 1 - defence / (2 * attack) : attack / (2 * defence);
}

function flat(value: number): PerDamageType {
  return { melee: value, ranged: value, viral: value };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
