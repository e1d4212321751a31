import { createRng, seedFrom, between, type Rng } from "./rng.js";
import { randomPoint, WANDER_PAUSE } from "./stepNpc.js";
import type { SimNpc, SpawnZone } from "./types.js";

export interface SpawnResult {
  /** New NPCs for empty slots; the caller adds them to its map. */
  spawned: SimNpc[];
  /** Ids of NPCs whose zone is gone or whose slot is beyond the zone's count (content reload). */
  despawned: string[];
}

export function npcId(zoneId: string, slot: number): string {
  return `${zoneId}:${slot}`;
}

/**
 * Keeps every zone populated: each slot `0..count-1` of each zone holds one
 * NPC, present in `npcs` under `npcId(zone, slot)`. Pure; the caller applies
 * the result. Run it once when a district starts (fills every slot) and then
 * now and then (a content reload that grows or shrinks a zone, a GM despawn).
 *
 * A killed NPC is not replaced here: it stays in the map in mode "dead" and
 * `stepNpc` respawns it after its zone's timer. Only a slot with no NPC at all
 * is filled, at once.
 *
 * Deterministic without carrying RNG state: the position of a new NPC is drawn
 * from a generator seeded with (zone id, slot, tick).
 */
export function stepSpawns(
  zones: readonly SpawnZone[],
  npcs: ReadonlyMap<string, SimNpc>,
  tick: number,
): SpawnResult {
  const spawned: SimNpc[] = [];
  const byId = new Map(zones.map((z) => [z.id, z]));
  for (const zone of zones) {
    for (let slot = 0; slot < zone.count; slot++) {
      if (npcs.has(npcId(zone.id, slot))) continue;
      spawned.push(spawnNpc(zone, slot, createRng(seedFrom(zone.id, slot, tick))));
    }
  }
  const despawned: string[] = [];
  for (const npc of npcs.values()) {
    const zone = byId.get(npc.zoneId);
    if (!zone || npc.slot >= zone.count) despawned.push(npc.id);
  }
  return { spawned, despawned };
}

/** A fresh NPC of `zone` at a random point of its area, idle, pausing a random while before it first wanders. */
export function spawnNpc(zone: SpawnZone, slot: number, rng: Rng): SimNpc {
  const at = randomPoint(zone.area, rng);
  const [pauseMin, pauseMax] = zone.template.wanderPause ?? WANDER_PAUSE;
  return {
    id: npcId(zone.id, slot),
    zoneId: zone.id,
    slot,
    template: zone.template,
    x: at.x,
    y: at.y,
    z: 0,
    heading: 0,
    hp: zone.template.maxHp,
    maxHp: zone.template.maxHp,
    mode: "idle",
    targetId: null,
    spawn: at,
    home: { ...zone.area },
    respawnSeconds: zone.respawnSeconds,
    wanderTo: null,
    pause: between(rng, pauseMin, pauseMax),
    cooldown: 0,
    respawnIn: 0,
  };
}
