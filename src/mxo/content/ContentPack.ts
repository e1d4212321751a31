import type { AbilityDef, AbilityTree } from "./schema/ability.js";
import type { DistrictDef } from "./schema/district.js";
import type { ItemDef } from "./schema/item.js";
import type { LootTableDef } from "./schema/loot.js";
import type { ContactDef, MissionDef } from "./schema/mission.js";
import type { NpcTemplateDef } from "./schema/npc.js";
import type { ContentPackData } from "./schema/pack.js";

type Hardline = DistrictDef["hardlines"][number];

/**
 * A validated content pack with lookups by id. Obtain one from `validateContentPack`
 * or `loadContentPack`; the constructor trusts its input. The data is frozen: rooms
 * share one pack, and a hot deploy swaps the whole object rather than editing it.
 * `JSON.stringify(pack)` gives the pack object back (`toJSON`).
 */
export class ContentPack {
  readonly version: ContentPackData["version"];
  readonly districts: readonly DistrictDef[];
  readonly items: readonly ItemDef[];
  readonly abilities: readonly AbilityDef[];
  readonly npcs: readonly NpcTemplateDef[];
  readonly lootTables: readonly LootTableDef[];
  readonly missions: readonly MissionDef[];
  readonly contacts: readonly ContactDef[];

  private readonly byId: {
    districts: Map<string, DistrictDef>;
    items: Map<string, ItemDef>;
    abilities: Map<string, AbilityDef>;
    npcs: Map<string, NpcTemplateDef>;
    lootTables: Map<string, LootTableDef>;
    missions: Map<string, MissionDef>;
    contacts: Map<string, ContactDef>;
  };
  private readonly hardlines = new Map<string, { district: DistrictDef; hardline: Hardline }>();

  constructor(data: ContentPackData) {
    deepFreeze(data);
    this.version = data.version;
    this.districts = data.districts;
    this.items = data.items;
    this.abilities = data.abilities;
    this.npcs = data.npcs;
    this.lootTables = data.lootTables;
    this.missions = data.missions;
    this.contacts = data.contacts;
    this.byId = {
      districts: index(data.districts),
      items: index(data.items),
      abilities: index(data.abilities),
      npcs: index(data.npcs),
      lootTables: index(data.lootTables),
      missions: index(data.missions),
      contacts: index(data.contacts),
    };
    for (const district of data.districts) {
      for (const hardline of district.hardlines) this.hardlines.set(hardline.id, { district, hardline });
    }
  }

  district(id: string): DistrictDef | undefined {
    return this.byId.districts.get(id);
  }

  item(id: string): ItemDef | undefined {
    return this.byId.items.get(id);
  }

  ability(id: string): AbilityDef | undefined {
    return this.byId.abilities.get(id);
  }

  /** An NPC template. */
  npc(id: string): NpcTemplateDef | undefined {
    return this.byId.npcs.get(id);
  }

  lootTable(id: string): LootTableDef | undefined {
    return this.byId.lootTables.get(id);
  }

  mission(id: string): MissionDef | undefined {
    return this.byId.missions.get(id);
  }

  contact(id: string): ContactDef | undefined {
    return this.byId.contacts.get(id);
  }

  /** A hardline by its pack-wide id, with the district it stands in. */
  hardline(id: string): { district: DistrictDef; hardline: Hardline } | undefined {
    return this.hardlines.get(id);
  }

  /** Abilities of one tree, in pack order. */
  abilitiesIn(tree: AbilityTree): AbilityDef[] {
    return this.abilities.filter((a) => a.tree === tree);
  }

  /** Missions set in a district, in pack order. */
  missionsIn(districtId: string): MissionDef[] {
    return this.missions.filter((m) => m.district === districtId);
  }

  /** Contacts standing in a district, in pack order. */
  contactsIn(districtId: string): ContactDef[] {
    return this.contacts.filter((c) => c.location.district === districtId);
  }

  /** The templates a district's spawn zones keep alive, each once. */
  npcsSpawnedIn(districtId: string): NpcTemplateDef[] {
    const zones = this.district(districtId)?.spawnZones ?? [];
    const ids = [...new Set(zones.map((z) => z.template))];
    return ids.map((id) => this.npc(id)).filter((n): n is NpcTemplateDef => n !== undefined);
  }

  /** The plain pack object: what `JSON.stringify` writes and `validateContentPack` reads back. */
  toJSON(): ContentPackData {
    return {
      version: this.version,
      districts: this.districts as DistrictDef[],
      items: this.items as ItemDef[],
      abilities: this.abilities as AbilityDef[],
      npcs: this.npcs as NpcTemplateDef[],
      lootTables: this.lootTables as LootTableDef[],
      missions: this.missions as MissionDef[],
      contacts: this.contacts as ContactDef[],
    };
  }
}

function index<T extends { id: string }>(list: readonly T[]): Map<string, T> {
  return new Map(list.map((e) => [e.id, e]));
}

function deepFreeze(value: unknown): void {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
}
