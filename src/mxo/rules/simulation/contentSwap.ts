import { ContentPack } from "../../content/ContentPack.js";
import type { AbilityDef } from "../../content/schema/ability.js";
import type { DistrictDef } from "../../content/schema/district.js";
import type { ItemDef } from "../../content/schema/item.js";
import type { LootTableDef } from "../../content/schema/loot.js";
import type { NpcTemplateDef } from "../../content/schema/npc.js";

/**
 * Pure helpers of `DistrictSimulation.applyContent` (a hot content deploy into
 * a running district). See README.md ("Content deploy").
 */

/** A pack that keeps a district the new pack dropped, with what that district's NPCs need. */
export interface KeptDistrictPack {
  pack: ContentPack;
  /** What had to come from the old pack, as `kind id` (`npc rl-la-punk`, `lootTable lt-la-street`, …). */
  kept: string[];
}

/**
 * `next` plus `district` (which `next` lacks) and, from `old`, whatever the
 * district's spawn zones need that `next` does not have: NPC templates, the
 * abilities and loot tables they name, and the items of those tables. Entries
 * `next` has win: a template present in both is `next`'s, so it is updated like
 * anywhere else. No validation: both packs were validated, and the additions
 * are exactly what validated `old` around this district.
 */
export function packKeepingDistrict(
  next: ContentPack,
  old: ContentPack,
  district: DistrictDef,
): KeptDistrictPack {
  const kept: string[] = [];
  const npcs: NpcTemplateDef[] = [];
  const abilities: AbilityDef[] = [];
  const lootTables: LootTableDef[] = [];
  const items: ItemDef[] = [];
  const seen = new Set<string>();
  const once = (key: string): boolean => {
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };

  for (const zone of district.spawnZones) {
    const template = next.npc(zone.template) ?? old.npc(zone.template);
    if (!template) continue;
    if (!next.npc(template.id) && once(`npc ${template.id}`)) {
      npcs.push(template);
      kept.push(`npc ${template.id}`);
    }
    // The source the template came from is the one its references resolve in.
    const source = next.npc(template.id) ? next : old;
    for (const id of template.abilities) {
      const ability = source.ability(id);
      if (ability && !next.ability(id) && once(`ability ${id}`)) {
        abilities.push(ability);
        kept.push(`ability ${id}`);
      }
    }
    const table = template.lootTable === undefined ? undefined : source.lootTable(template.lootTable);
    if (!table || next.lootTable(table.id)) continue;
    if (once(`lootTable ${table.id}`)) {
      lootTables.push(table);
      kept.push(`lootTable ${table.id}`);
    }
    for (const entry of table.entries) {
      const item = source.item(entry.item);
      if (item && !next.item(item.id) && once(`item ${item.id}`)) {
        items.push(item);
        kept.push(`item ${item.id}`);
      }
    }
  }

  const data = next.toJSON();
  const pack = new ContentPack({
    ...data,
    districts: [...data.districts, district],
    npcs: [...data.npcs, ...npcs],
    abilities: [...data.abilities, ...abilities],
    lootTables: [...data.lootTables, ...lootTables],
    items: [...data.items, ...items],
  });
  return { pack, kept };
}

/**
 * A current value carried over a change of its maximum, keeping the fraction:
 * unchanged when the maximum is; from a maximum of 0, full; 0 stays 0 (the dead
 * stay dead); with `round`, anything alive stays at least 1; never above the new
 * maximum. `round` for whole numbers (HP);
 * Inner Strength is fractional.
 */
export function rescale(value: number, oldMax: number, newMax: number, round: boolean): number {
  if (oldMax === newMax) return Math.min(value, newMax);
  if (!(oldMax > 0)) return newMax;
  if (value <= 0) return 0;
  const scaled = (value / oldMax) * newMax;
  const v = round ? Math.round(scaled) : scaled;
  return Math.min(newMax, Math.max(round ? 1 : 0, v));
}

/** Deep equality of plain JSON data (content definitions), independent of key order. */
export function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => sameData(v, b[i]));
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const ka = Object.keys(ra).filter((k) => ra[k] !== undefined);
  const kb = Object.keys(rb).filter((k) => rb[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => sameData(ra[k], rb[k]));
}
