import type { ContentPack } from "../../../content/ContentPack.js";
import type { DistrictDef } from "../../../content/schema/district.js";
import type { NpcTemplateDef } from "../../../content/schema/npc.js";
import { npcCombatant, toNpcTemplate, toSpawnZone } from "../../adapters.js";
import { removeCombatant } from "../../combat/index.js";
import { stepSpawns } from "../../npc/spawns.js";
import type { NpcTemplate, SimNpc, SpawnZone } from "../../npc/types.js";
import { emitCombat } from "../combatEvents.js";
import type { DistrictState } from "../DistrictState.js";

/**
 * NPC spawns: every empty slot of every zone is filled at once (all of them at
 * tick 0); NPCs whose zone or slot is gone leave. A dead NPC keeps its slot:
 * the AI brings it back after its zone's timer.
 */
export function spawnNpcs(s: DistrictState, tick: number): void {
  const { spawned, despawned } = stepSpawns(s.zones, s.npcs, tick);
  for (const id of despawned) {
    const npc = s.npcs.get(id);
    if (npc) despawn(s, npc, tick);
  }
  for (const npc of spawned) {
    npc.z = s.zoneZ.get(npc.zoneId) ?? 0;
    s.npcs.set(npc.id, npc);
    s.positions.set(npc.id, npc);
    const def = s.templateDefs.get(npc.template.id);
    // Passive NPCs (civilians, escort targets) are not combatants: nobody can attack them.
    if (def && def.behavior !== "passive") {
      s.combat.combatants.set(npc.id, npcCombatant(npc.id, def, s.pack));
    }
    s.out.push({
      kind: "npc_spawned",
      tick,
      npcId: npc.id,
      template: npc.template.id,
      x: npc.x,
      y: npc.y,
      z: npc.z,
      respawn: false,
    });
  }
}

/** Takes an NPC out of the world (`npc_despawned`); an interlock it fights ends as "removed". */
export function despawn(s: DistrictState, npc: SimNpc, tick: number): void {
  emitCombat(s, removeCombatant(s.combat, npc.id, tick));
  s.npcs.delete(npc.id);
  s.positions.delete(npc.id);
  s.effects.delete(npc.id);
  s.speedFactor.delete(npc.id);
  s.out.push({ kind: "npc_despawned", tick, npcId: npc.id, template: npc.template.id });
}

/** Spawn zones (one shared AI template per NPC template), zone heights and template definitions. */
export function buildZones(s: DistrictState, district: DistrictDef, pack: ContentPack): void {
  const zones: SpawnZone[] = [];
  const zoneZ = new Map<string, number>();
  const defs = new Map<string, NpcTemplateDef>();
  const templates = new Map<string, NpcTemplate>();
  for (const zone of district.spawnZones) {
    const def = pack.npc(zone.template);
    if (!def) throw new Error(`spawn zone ${zone.id} names unknown NPC template "${zone.template}"`);
    let template = templates.get(def.id);
    if (!template) {
      template = toNpcTemplate(def, pack);
      templates.set(def.id, template);
      defs.set(def.id, def);
    }
    zones.push(toSpawnZone(zone, district.bounds, template));
    zoneZ.set(zone.id, zone.center.z);
  }
  s.zones = zones;
  s.zoneZ = zoneZ;
  s.templateDefs = defs;
}
