import type { ContentPack } from "../../content/ContentPack.js";
import {
  combatAbilities,
  districtCombatConfig,
  npcCombatant,
  styleDamage,
  toNpcTemplate,
} from "../adapters.js";
import { removeCombatant } from "../combat/index.js";
import type { SimNpc, SpawnZone } from "../npc/types.js";
import { emitCombat, syncHp } from "./combatEvents.js";
import { packKeepingDistrict, rescale, sameData } from "./contentSwap.js";
import { takeEvents, type DistrictState } from "./DistrictState.js";
import type { GameEvent } from "./GameEvent.js";
import { loadoutFor } from "./loadouts.js";
import { resolveDeaths } from "./phases/deaths.js";
import { buildZones, despawn, spawnNpcs } from "./phases/spawns.js";

/** What `applyContent` did. */
export interface ContentApplyResult {
  /**
   * Dispatch these at once, like a step's: the events of requests made since
   * the last step (they would have come out of the next one), deaths already
   * dealt settled under the old pack, then the deploy's own `npc_despawned`,
   * `npc_changed`, `npc_spawned` and the `combat` events of removals
   * (`interlock_ended` "removed", `interlock_unqueued`).
   */
  events: GameEvent[];
  /**
   * This district in the new pack: `"changed"` or `"unchanged"` (its definition
   * now in force either way), or `"missing"`: the new pack has no district of
   * this id, and the simulation keeps running the definition it had (zones,
   * bounds, hardlines, rules) while everything else comes from the new pack.
   */
  district: "changed" | "unchanged" | "missing";
  /**
   * Human-readable notes for the log, e.g. the missing district and each
   * template, ability, loot table or item kept from the old pack for it.
   */
  warnings: string[];
}

/**
 * Switches to another content pack between two steps (the room calls it at a
 * tick boundary, right after a step). Pure and deterministic like a step: the
 * same calls on the same seed give the same events.
 *
 * - The district definition of the same id in `next` takes over: bounds
 *   (everyone is clamped into them), hardlines, move speed, PvP, combat
 *   rules (for interlocks that start from now on; running ones keep the rules
 *   they started with), spawn zones.
 * - Spawn zones: NPCs of a zone that is gone, of a slot beyond the zone's new
 *   count, or of a zone that now names another template are despawned
 *   (`npc_despawned`; their interlocks end as "removed"); empty slots, of new
 *   zones too, are filled at once (`npc_spawned`). NPCs that stay take the
 *   zone's new area, height and respawn delay.
 * - NPC templates: every NPC that stays takes its template's new definition:
 *   name, level, stats, max HP (HP keeps its fraction, a dead NPC stays dead),
 *   Inner Strength (fraction kept), abilities, speed, radii, behaviour (one
 *   turned passive leaves combat, one no longer passive joins it). Those whose
 *   name, level or max HP changed are reported as `npc_changed`. New spawns
 *   and respawns use the new templates. Cooldowns already running are kept.
 * - Players: abilities (loadout, free-attack definitions, interlock style)
 *   come from the new pack; level, stats and HP are the character's own.
 * - Loot rolls from now on use the new pack's loot tables.
 *
 * If `next` has no district of this id the simulation does not fail: it keeps
 * running the definition it had, with whatever its zones need that `next`
 * lacks (templates, their abilities and loot tables, the tables' items) taken
 * from the old pack; `district` says `"missing"` and `warnings` lists what was
 * kept. Everything `next` does have (e.g. a changed template) is applied.
 *
 * `next` must be a validated pack (`validateContentPack`).
 */
export function applyContent(s: DistrictState, next: ContentPack): ContentApplyResult {
  const tick = s.world.tick;
  const warnings: string[] = [];
  // Kills already dealt were earned under the old pack: settle them first.
  resolveDeaths(s, tick);

  const old = s.pack;
  const nextDef = next.district(s.def.id);
  let status: ContentApplyResult["district"];
  let pack = next;
  if (nextDef) {
    status = sameData(nextDef, s.def) ? "unchanged" : "changed";
    s.def = nextDef;
  } else {
    status = "missing";
    const keptPack = packKeepingDistrict(next, old, s.def);
    pack = keptPack.pack;
    warnings.push(
      `district ${s.def.id} is not in the new pack: it keeps running its previous definition`,
      ...keptPack.kept.map((k) => `kept from the previous pack for district ${s.def.id}: ${k}`),
    );
  }
  const district = s.def;
  s.pack = pack;

  // The district's rules and shape.
  s.world.bounds = district.bounds;
  s.noPlayers.bounds = district.bounds;
  s.combat.config = districtCombatConfig(district, s.tickRate);
  s.combat.abilities = new Map(combatAbilities(pack).map((a) => [a.id, a]));
  buildZones(s, district, pack);
  // Escorts keep following their players through a deploy (their zones are not the district's).
  for (const [npcId, e] of [...s.escorts]) {
    const def = pack.npc(e.template);
    if (!def) {
      s.escorts.delete(npcId);
      warnings.push(`escort ${npcId} ended: template ${e.template} is not in the new pack`);
      continue;
    }
    s.templateDefs.set(def.id, def);
    s.zones.push({ ...e.zone, template: toNpcTemplate(def, pack) });
  }
  const zoneById = new Map(s.zones.map((z) => [z.id, z]));

  // NPCs without a place in the new zones go; the others take the new definitions.
  for (const npc of [...s.npcs.values()]) {
    const zone = zoneById.get(npc.zoneId);
    if (!zone || npc.slot >= zone.count || zone.template.id !== npc.template.id) despawn(s, npc, tick);
  }
  for (const npc of s.npcs.values()) {
    const zone = zoneById.get(npc.zoneId);
    if (zone) refreshNpc(s, npc, zone, tick);
  }

  for (const p of s.world.players.values()) {
    p.speed = district.moveSpeed;
    clampToBounds(s, p);
    p.loadout = loadoutFor(s, p, p.level);
    p.style = { ...p.style, damage: styleDamage(p.level, p.loadout, pack) };
  }

  spawnNpcs(s, tick);
  syncHp(s);
  return { events: takeEvents(s), district: status, warnings };
}

/** An NPC that keeps its slot takes its zone's and its template's new definitions. */
function refreshNpc(s: DistrictState, npc: SimNpc, zone: SpawnZone, tick: number): void {
  const template = zone.template;
  const def = s.templateDefs.get(template.id);
  if (!def) return;
  const before = { name: npc.template.name, level: npc.template.level, maxHp: npc.maxHp };
  let c = s.combat.combatants.get(npc.id);
  const hp = c ? rescale(c.hp, c.maxHp, def.hp, true) : rescale(npc.hp, npc.maxHp, template.maxHp, true);

  npc.template = template;
  npc.maxHp = template.maxHp;
  npc.hp = hp;
  npc.home = { ...zone.area };
  npc.respawnSeconds = zone.respawnSeconds;
  npc.z = s.zoneZ.get(zone.id) ?? npc.z;
  // Leashing returns to the spawn point: keep it inside the (possibly moved) zone.
  npc.spawn = clampPoint(npc.spawn, zone.area);
  clampToBounds(s, npc);

  if (def.behavior === "passive") {
    // Civilians are not combatants: nobody can attack them.
    if (c) emitCombat(s, removeCombatant(s.combat, npc.id, tick));
    if (npc.mode === "chase" || npc.mode === "attack") {
      npc.mode = "leash";
      npc.targetId = null;
      npc.wanderTo = null;
    }
  } else {
    const fresh = npcCombatant(npc.id, def, s.pack);
    if (!c) {
      c = fresh;
      s.combat.combatants.set(npc.id, c);
    } else {
      c.is = rescale(c.is, c.maxIs, fresh.maxIs, false);
      c.level = fresh.level;
      c.stats = fresh.stats;
      c.maxHp = fresh.maxHp;
      c.maxIs = fresh.maxIs;
      c.defence = fresh.defence;
      c.resistance = fresh.resistance;
      c.style = fresh.style;
      c.loadout = fresh.loadout;
    }
    c.hp = hp;
  }

  if (before.name !== template.name || before.level !== template.level || before.maxHp !== npc.maxHp) {
    s.out.push({
      kind: "npc_changed",
      tick,
      npcId: npc.id,
      template: template.id,
      name: template.name,
      level: template.level,
      hp,
      maxHp: npc.maxHp,
    });
  }
}

function clampToBounds(s: DistrictState, p: { x: number; y: number }): void {
  const b = s.def.bounds;
  p.x = Math.min(b.maxX, Math.max(b.minX, p.x));
  p.y = Math.min(b.maxY, Math.max(b.minY, p.y));
}

function clampPoint(p: { x: number; y: number }, area: SpawnZone["area"]): { x: number; y: number } {
  return {
    x: Math.min(area.maxX, Math.max(area.minX, p.x)),
    y: Math.min(area.maxY, Math.max(area.minY, p.y)),
  };
}
