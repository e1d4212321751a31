import { treeLineage, type AbilityDef } from "./schema/ability.js";
import type { Location } from "./schema/common.js";
import { checkDistrictList, type DistrictDef } from "./schema/district.js";
import type { ItemDef } from "./schema/item.js";
import type { LootTableDef } from "./schema/loot.js";
import type { ContactDef, MissionDef } from "./schema/mission.js";
import type { NpcTemplateDef } from "./schema/npc.js";
import { KIND_NOUN, PACK_FILES, type PackKind } from "./schema/pack.js";

interface Entry<T> {
  /** Position in the pack's list (entries that failed their schema are absent). */
  index: number;
  value: T;
}

/** The entries that passed their schema, per kind. */
export interface ParsedPack {
  districts: Entry<DistrictDef>[];
  items: Entry<ItemDef>[];
  abilities: Entry<AbilityDef>[];
  npcs: Entry<NpcTemplateDef>[];
  lootTables: Entry<LootTableDef>[];
  missions: Entry<MissionDef>[];
  contacts: Entry<ContactDef>[];
}

/**
 * Every id present per kind, valid entry or not. A kind that is absent (its list is
 * missing or not an array) has no set: references to it are not checked, since that
 * problem is already reported once.
 */
export type KnownIds = Partial<Record<PackKind, Set<string>>>;

type Path = (string | number)[];
type Report = (path: Path, message: string) => void;

/** Checks that need more than one entry: references between kinds, trees, cycles, places. */
export function checkCrossReferences(pack: ParsedPack, known: KnownIds, report: Report): void {
  const ref = (kind: PackKind, id: string, path: Path): void => {
    const ids = known[kind];
    if (ids && !ids.has(id)) report(path, `${KIND_NOUN[kind]} "${id}" does not exist in ${PACK_FILES[kind]}`);
  };
  const districts = new Map(pack.districts.map((e) => [e.value.id, e.value]));
  const place = (loc: Location, path: Path): void => {
    ref("districts", loc.district, [...path, "district"]);
    const d = districts.get(loc.district);
    if (!d) return;
    const { minX, minY, maxX, maxY } = d.bounds;
    if (loc.x < minX || loc.x > maxX || loc.y < minY || loc.y > maxY) {
      report(path, `location ${loc.x},${loc.y} is outside the bounds of district "${d.id}"`);
    }
  };

  checkDistrictList(pack.districts, (path, message) => report(["districts", ...path], message));
  const items = new Map(pack.items.map((e) => [e.value.id, e.value]));
  for (const { index, value: d } of pack.districts) {
    d.spawnZones.forEach((zone, j) =>
      ref("npcs", zone.template, ["districts", index, "spawnZones", j, "template"]),
    );
    d.vendors.forEach((v, j) =>
      v.sells.forEach((w, k) => {
        const path: Path = ["districts", index, "vendors", j, "sells", k, "itemId"];
        ref("items", w.itemId, path);
        if (items.get(w.itemId)?.kind === "mission")
          report(path, `mission item "${w.itemId}" cannot be sold`);
      }),
    );
  }

  for (const { index, value: item } of pack.items) {
    if (item.teaches !== undefined) ref("abilities", item.teaches, ["items", index, "teaches"]);
  }

  for (const { index, value: table } of pack.lootTables) {
    table.entries.forEach((e, j) => ref("items", e.item, ["lootTables", index, "entries", j, "item"]));
  }

  for (const { index, value: npc } of pack.npcs) {
    if (npc.lootTable !== undefined) ref("lootTables", npc.lootTable, ["npcs", index, "lootTable"]);
    npc.abilities.forEach((a, j) => ref("abilities", a, ["npcs", index, "abilities", j]));
  }

  checkAbilityTree(pack.abilities, ref, report);

  for (const { index, value: contact } of pack.contacts)
    place(contact.location, ["contacts", index, "location"]);

  const contacts = new Map(pack.contacts.map((e) => [e.value.id, e.value]));
  const npcs = new Map(pack.npcs.map((e) => [e.value.id, e.value]));
  for (const { index, value: m } of pack.missions) {
    const at = (...rest: Path): Path => ["missions", index, ...rest];
    ref("districts", m.district, at("district"));
    ref("contacts", m.contact, at("contact"));
    const giver = contacts.get(m.contact);
    if (giver?.organization && m.organization && giver.organization !== m.organization) {
      report(
        at("organization"),
        `a ${m.organization} mission cannot come from contact "${giver.id}" of ${giver.organization}`,
      );
    }
    m.prerequisites.forEach((p, j) => ref("missions", p, at("prerequisites", j)));
    m.objectives.forEach((o, j) => {
      switch (o.kind) {
        case "meet":
          if (o.contact !== undefined) ref("contacts", o.contact, at("objectives", j, "contact"));
          if (o.npc !== undefined) ref("npcs", o.npc, at("objectives", j, "npc"));
          if (o.location) place(o.location, at("objectives", j, "location"));
          break;
        case "eliminate":
          ref("npcs", o.template, at("objectives", j, "template"));
          break;
        case "collect":
          ref("items", o.item, at("objectives", j, "item"));
          break;
        case "escort": {
          ref("npcs", o.template, at("objectives", j, "template"));
          if (npcs.get(o.template)?.behavior === "aggressive") {
            report(at("objectives", j, "template"), `escorted npc "${o.template}" must not be aggressive`);
          }
          place(o.to, at("objectives", j, "to"));
          break;
        }
      }
    });
    m.rewards.items.forEach((r, j) => ref("items", r.item, at("rewards", "items", j, "item")));
  }
  reportCycles(
    "missions",
    pack.missions.map((e) => ({ index: e.index, id: e.value.id, next: e.value.prerequisites })),
    report,
  );
}

function checkAbilityTree(
  abilities: Entry<AbilityDef>[],
  ref: (kind: PackKind, id: string, path: Path) => void,
  report: Report,
): void {
  const byId = new Map(abilities.map((e) => [e.value.id, e.value]));
  for (const { index, value: a } of abilities) {
    const lineage = treeLineage(a.tree);
    a.prerequisites.forEach((p, j) => {
      const path: Path = ["abilities", index, "prerequisites", j];
      ref("abilities", p, path);
      const pre = byId.get(p);
      if (!pre || pre.id === a.id) return;
      if (!lineage.includes(pre.tree)) {
        report(
          path,
          `prerequisite "${p}" is in the ${pre.tree} tree; abilities of the ${a.tree} tree may only require ` +
            `abilities of ${lineage.join(", ")}`,
        );
      }
      if (pre.requiredLevel > a.requiredLevel) {
        report(
          path,
          `prerequisite "${p}" needs level ${pre.requiredLevel}, above this ability's ${a.requiredLevel}`,
        );
      }
    });
  }
  reportCycles(
    "abilities",
    abilities.map((e) => ({ index: e.index, id: e.value.id, next: e.value.prerequisites })),
    report,
  );
}

/** Reports each prerequisite cycle once, at its first member in pack order. */
function reportCycles(
  kind: "abilities" | "missions",
  nodes: { index: number; id: string; next: readonly string[] }[],
  report: Report,
): void {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const inReportedCycle = new Set<string>();
  for (const start of nodes) {
    if (inReportedCycle.has(start.id)) continue;
    const cycle = findPathBack(start.id, byId);
    if (!cycle) continue;
    cycle.forEach((id) => inReportedCycle.add(id));
    report(
      [kind, start.index, "prerequisites"],
      `prerequisites form a cycle: ${[...cycle, start.id].join(" → ")}`,
    );
  }
}

/** A path start → … → (an id requiring start), or undefined when start is on no cycle. Self-loops are schema errors. */
function findPathBack(
  start: string,
  byId: Map<string, { id: string; next: readonly string[] }>,
): string[] | undefined {
  const visited = new Set<string>();
  const walk = (id: string, path: string[]): string[] | undefined => {
    for (const next of byId.get(id)?.next ?? []) {
      if (next === id) continue;
      if (next === start) return path;
      if (visited.has(next)) continue;
      visited.add(next);
      const found = walk(next, [...path, next]);
      if (found) return found;
    }
    return undefined;
  };
  return walk(start, [start]);
}
