/** The content pack: schema, loading, validation and lookups. See README.md for the format. */
export { ContentError, formatIssue, type ContentIssue } from "./ContentError.js";
export { ContentPack } from "./ContentPack.js";
export { DistrictCatalog } from "./districts.js";
export { loadContentPack, readContentPackFiles } from "./loadContentPack.js";
export { validateContentPack, type ContentValidation } from "./validateContentPack.js";
export { CONTENT_PACK_VERSION, ContentPackSchema, type ContentPackData } from "./schema/pack.js";
export type { AbilityDef, AbilityTree } from "./schema/ability.js";
export type { DistrictDef, SpawnZone } from "./schema/district.js";
export type { ItemDef } from "./schema/item.js";
export type { LootTableDef } from "./schema/loot.js";
export type { ContactDef, MissionDef, ObjectiveDef } from "./schema/mission.js";
export type { NpcTemplateDef } from "./schema/npc.js";
