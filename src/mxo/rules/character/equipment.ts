import type { ItemDef } from "../../content/schema/item.js";
import type { CharacterStats } from "../characterRules.js";
import { DAMAGE_TYPES, type DamageType, type PerDamageType } from "../combat/types.js";
import { STATS } from "../combat/stats.js";

/**
 * Equipment: one weapon slot and the content's clothing slots. What equipped
 * items add up to (`Gear`) is what derived figures and combat read; the
 * items themselves stay in the inventory (the ledger never sees equipping).
 */

export const WEAPON_SLOT = "weapon";

/** What an equipped weapon brings to the attacks of its own damage type. */
export interface WeaponGear {
  itemId: string;
  damageType: DamageType;
  /** Mean damage ((min + max) / 2), added to every attack of its type before influences. */
  damage: number;
  /** World units: attacks of its type reach at least this far. */
  range: number;
}

/** The sum of every equipped item's bonuses, and the weapon. */
export interface Gear {
  /** Attribute points added (on top of the allocated attributes). */
  stats: CharacterStats;
  hp: number;
  innerStrength: number;
  /** Flat defence rating, every damage type. */
  defence: number;
  /** Fraction added to accuracy (0.05 = +5%). */
  accuracy: number;
  /** Flat resistance rating per damage type. */
  resistance: PerDamageType;
  weapon?: WeaponGear;
}

export const NO_GEAR: Readonly<Gear> = Object.freeze({
  stats: { focus: 0, perception: 0, reason: 0, belief: 0, vitality: 0 },
  hp: 0,
  innerStrength: 0,
  defence: 0,
  accuracy: 0,
  resistance: { melee: 0, ranged: 0, viral: 0 },
});

/** Where an item goes when equipped: "weapon", its clothing slot, or undefined (not equippable). */
export function slotOf(item: Pick<ItemDef, "kind" | "slot">): string | undefined {
  if (item.kind === "weapon") return WEAPON_SLOT;
  if (item.kind === "clothing") return item.slot;
  return undefined;
}

export type EquipCheck =
  { ok: true; slot: string } | { ok: false; code: "not_equippable" | "level_too_low"; message: string };

/** Whether a character of `level` can wear or wield `item`, and in which slot. */
export function checkEquip(item: ItemDef, level: number): EquipCheck {
  const slot = slotOf(item);
  if (!slot) {
    return { ok: false, code: "not_equippable", message: `${item.name} cannot be worn or wielded` };
  }
  if (level < item.requiredLevel) {
    return {
      ok: false,
      code: "level_too_low",
      message: `${item.name} needs level ${item.requiredLevel} (you are level ${level})`,
    };
  }
  return { ok: true, slot };
}

/** What these equipped items add up to; items that are not equipment add nothing. */
export function gearOf(items: readonly ItemDef[]): Gear {
  const gear: Gear = {
    stats: { ...NO_GEAR.stats },
    hp: 0,
    innerStrength: 0,
    defence: 0,
    accuracy: 0,
    resistance: { ...NO_GEAR.resistance },
  };
  for (const item of items) {
    if (!slotOf(item)) continue;
    const b = item.bonuses;
    for (const stat of STATS) gear.stats[stat] += b[stat] ?? 0;
    gear.hp += b.hp ?? 0;
    gear.innerStrength += b.innerStrength ?? 0;
    gear.defence += b.defense ?? 0;
    gear.accuracy += b.accuracy ?? 0;
    for (const type of DAMAGE_TYPES) gear.resistance[type] += b[`${type}Resistance`] ?? 0;
    if (item.weapon) {
      gear.weapon = {
        itemId: item.id,
        damageType: item.weapon.damageType,
        damage: (item.weapon.damage.min + item.weapon.damage.max) / 2,
        range: item.weapon.range,
      };
    }
  }
  return gear;
}
