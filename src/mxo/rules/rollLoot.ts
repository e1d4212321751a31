import type { LootTableDef } from "../content/schema/loot.js";
import type { Rng } from "./npc/rng.js";

export interface LootDrop {
  items: { itemId: string; quantity: number }[];
  /** Information (the currency) dropped alongside. */
  info: number;
}

/**
 * One roll of a loot table. Entries roll independently, in table order: one
 * draw against `chance`, and for a drop one more for the quantity (uniform
 * integer in `min..max`); then one draw for the information when the table
 * pays any. Pure apart from advancing `rng`.
 */
export function rollLoot(table: LootTableDef, rng: Rng): LootDrop {
  const items: LootDrop["items"] = [];
  for (const entry of table.entries) {
    if (!(rng() < entry.chance)) continue;
    items.push({ itemId: entry.item, quantity: uniformInt(rng, entry.min, entry.max) });
  }
  const info =
    table.info.max > 0 ? uniformInt(rng, Math.ceil(table.info.min), Math.floor(table.info.max)) : 0;
  return { items, info };
}

function uniformInt(rng: Rng, min: number, max: number): number {
  if (max <= min) return min;
  return min + Math.floor(rng() * (max - min + 1));
}
