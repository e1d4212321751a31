import { z } from "zod";
import { Ability, type AbilityDef } from "./ability.js";
import { District, type DistrictDef } from "./district.js";
import { Item, type ItemDef } from "./item.js";
import { LootTable, type LootTableDef } from "./loot.js";
import { Contact, Mission, type ContactDef, type MissionDef } from "./mission.js";
import { NpcTemplate, type NpcTemplateDef } from "./npc.js";

/** The pack format this server reads. Bumped when a change needs old packs migrated. */
export const CONTENT_PACK_VERSION = 1;

/** The entry schema of every kind of content, keyed as in the pack object. */
export const PACK_KINDS = {
  districts: District,
  items: Item,
  abilities: Ability,
  npcs: NpcTemplate,
  lootTables: LootTable,
  missions: Mission,
  contacts: Contact,
} as const;
export type PackKind = keyof typeof PACK_KINDS;
export const KIND_NAMES = Object.keys(PACK_KINDS) as PackKind[];

/** What one entry of each kind is called in messages. */
export const KIND_NOUN: Record<PackKind, string> = {
  districts: "district",
  items: "item",
  abilities: "ability",
  npcs: "npc template",
  lootTables: "loot table",
  missions: "mission",
  contacts: "contact",
};

/** Which file on disk holds each top-level key; a file's JSON object has exactly its keys. */
export const PACK_FILES: Record<"version" | PackKind, string> = {
  version: "pack.json",
  districts: "districts.json",
  items: "items.json",
  abilities: "abilities.json",
  npcs: "npcs.json",
  lootTables: "loot.json",
  contacts: "missions.json",
  missions: "missions.json",
};

/** The whole pack as one JSON object: what is stored as a revision and hot-deployed. */
export const ContentPackSchema = z.strictObject({
  version: z.literal(CONTENT_PACK_VERSION),
  districts: z.array(District).min(1),
  items: z.array(Item),
  abilities: z.array(Ability),
  npcs: z.array(NpcTemplate),
  lootTables: z.array(LootTable),
  missions: z.array(Mission),
  contacts: z.array(Contact),
});

export interface ContentPackData {
  version: typeof CONTENT_PACK_VERSION;
  districts: DistrictDef[];
  items: ItemDef[];
  abilities: AbilityDef[];
  npcs: NpcTemplateDef[];
  lootTables: LootTableDef[];
  missions: MissionDef[];
  contacts: ContactDef[];
}
