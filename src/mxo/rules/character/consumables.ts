import type { ItemDef } from "../../content/schema/item.js";
import { secondsToTicks } from "../combat/config.js";
import type { Effect } from "../effects.js";

/**
 * Consumables (`use {itemId}`): a heal, Inner Strength, timed modifiers, and a
 * cooldown per item (using a Health Pack does not hold back an Inner Strength
 * Booster). Pure; the simulation applies what `consume` returns once the
 * ledger has taken the item.
 */

export type UseCheck = { ok: true } | { ok: false; code: "not_usable" | "on_cooldown"; message: string };

/** Whether `item` can be used now by a player who is `alive`, with its cooldown running until `readyTick`. */
export function checkUse(
  item: ItemDef,
  at: { alive: boolean; tick: number; readyTick: number; tickRate: number },
): UseCheck {
  if (item.kind !== "consumable" || !item.use) {
    return { ok: false, code: "not_usable", message: `${item.name} cannot be used` };
  }
  if (!at.alive)
    return { ok: false, code: "not_usable", message: `You cannot use ${item.name} while defeated` };
  if (at.tick < at.readyTick) {
    const seconds = Math.ceil((at.readyTick - at.tick) / at.tickRate);
    return {
      ok: false,
      code: "on_cooldown",
      message: `${item.name} can be used again in ${seconds} s`,
    };
  }
  return { ok: true };
}

export interface Consumption {
  /** HP and Inner Strength after the use (clamped to their maximums). */
  hp: number;
  is: number;
  healed: number;
  restored: number;
  effects: Effect[];
  /** First tick the item may be used again. */
  readyTick: number;
}

/**
 * What using `item` does to a fighter at `tick`: HP and Inner Strength up to
 * their maximums, the timed modifiers (keyed by the item, so using another
 * one refreshes them instead of stacking), and the cooldown.
 */
export function consume(
  item: ItemDef,
  who: { id: string; hp: number; maxHp: number; is: number; maxIs: number },
  tick: number,
  tickRate: number,
): Consumption {
  const use = item.use ?? { heal: 0, innerStrength: 0, modifiers: [], cooldown: 0 };
  const hp = Math.min(who.maxHp, who.hp + use.heal);
  const is = Math.min(who.maxIs, who.is + use.innerStrength);
  const effects = use.modifiers.map((m) => ({
    abilityId: itemEffectId(item.id),
    sourceId: who.id,
    attribute: m.attribute,
    amount: m.amount,
    untilTick: tick + Math.max(1, secondsToTicks(m.durationSeconds, tickRate)),
  }));
  return {
    hp,
    is,
    healed: hp - who.hp,
    restored: is - who.is,
    effects,
    readyTick: tick + secondsToTicks(use.cooldown, tickRate),
  };
}

/** The id an item's timed modifiers run under (beside abilities' ids in the effect list). */
export function itemEffectId(itemId: string): string {
  return `item:${itemId}`;
}
