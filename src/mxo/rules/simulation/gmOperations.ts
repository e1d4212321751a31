import { toNpcTemplate } from "../adapters.js";
import { refreshFigures } from "./character.js";
import type { DistrictPlayer } from "./DistrictPlayer.js";
import type { DistrictState } from "./DistrictState.js";

/**
 * Game master actions, called by the room for GM commands between steps like
 * any other request.
 */

/** GM-spawned NPCs stay dead once killed (about 31 years). */
const GM_NO_RESPAWN_SECONDS = 1e9;

/** What `gmSetStat` can change (contract §5 `setstat`). */
export const GM_STATS = [
  "level",
  "experience",
  "hp",
  "focus",
  "perception",
  "reason",
  "belief",
  "vitality",
] as const;
export type GmStat = (typeof GM_STATS)[number];

/** Puts a player at a point (clamped to the district); returns where it was. */
export function gmTeleport(
  s: DistrictState,
  sessionId: string,
  to: { x: number; y: number; z: number },
): { x: number; y: number; z: number } | undefined {
  const p = s.world.players.get(sessionId);
  if (!p) return undefined;
  const from = { x: p.x, y: p.y, z: p.z };
  const b = s.def.bounds;
  p.x = Math.min(b.maxX, Math.max(b.minX, to.x));
  p.y = Math.min(b.maxY, Math.max(b.minY, to.y));
  p.z = to.z;
  return from;
}

/** Full health and Inner Strength; a dead player stands up where it fell. Returns the HP before. */
export function gmHeal(s: DistrictState, sessionId: string): number | undefined {
  const p = s.world.players.get(sessionId);
  if (!p) return undefined;
  const before = p.hp;
  p.hp = p.maxHp;
  p.is = p.maxIs;
  p.respawnAt = null;
  p.regenCarry = 0;
  return before;
}

/**
 * Sets one stat and everything derived from it (a level or vitality change
 * recomputes max HP, Inner Strength and the loadout); returns the old value.
 */
export function gmSetStat(
  s: DistrictState,
  sessionId: string,
  stat: GmStat,
  value: number,
): number | undefined {
  const p = s.world.players.get(sessionId);
  if (!p) return undefined;
  const v = Math.round(value);
  switch (stat) {
    case "hp": {
      const before = p.hp;
      p.hp = Math.max(1, Math.min(p.maxHp, v));
      p.respawnAt = null;
      return before;
    }
    case "experience": {
      const before = p.experience;
      p.experience = Math.max(0, v);
      return before;
    }
    case "level": {
      const before = p.level;
      p.level = v;
      rederive(s, p);
      return before;
    }
    default: {
      const before = p.baseStats[stat];
      p.baseStats = { ...p.baseStats, [stat]: v };
      rederive(s, p);
      return before;
    }
  }
}

/** Max HP and Inner Strength (each keeps its fraction), loadout and style from the level, stats and equipment. */
function rederive(s: DistrictState, p: DistrictPlayer): void {
  refreshFigures(s, p, "fraction");
}

/**
 * NPCs of a content template at a point, each in a zone of its own (id
 * `gm<n>-<i>`) that never respawns it: it appears at the next step
 * (`npc_spawned`) and stays until despawned or killed. A content deploy
 * rebuilds the zones from the district and so removes GM spawns.
 * Returns the NPC ids.
 */
export function gmSpawn(
  s: DistrictState,
  templateId: string,
  count: number,
  at: { x: number; y: number; z: number },
): string[] {
  const def = s.pack.npc(templateId);
  if (!def) throw new RangeError(`unknown NPC template "${templateId}"`);
  const template = toNpcTemplate(def, s.pack);
  s.templateDefs.set(def.id, def);
  const b = s.def.bounds;
  const clampX = (v: number) => Math.min(b.maxX, Math.max(b.minX, v));
  const clampY = (v: number) => Math.min(b.maxY, Math.max(b.minY, v));
  const batch = ++s.gmSpawns;
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    // Side by side, a couple of units apart, so they do not stack on one point.
    const x = clampX(at.x + (i - (count - 1) / 2) * 2);
    const y = clampY(at.y + 2);
    const id = `gm${batch}-${i}`;
    s.zones.push({
      id,
      template,
      area: { minX: x, minY: y, maxX: x, maxY: y },
      count: 1,
      respawnSeconds: GM_NO_RESPAWN_SECONDS,
    });
    s.zoneZ.set(id, at.z);
    ids.push(`${id}:0`);
  }
  return ids;
}

/** Removes a GM-spawned NPC (zone NPCs belong to the content pack); returns its template, or undefined. */
export function gmDespawn(s: DistrictState, npcId: string): string | undefined {
  const zoneId = npcId.replace(/:0$/, "");
  const index = s.zones.findIndex((z) => z.id === zoneId && z.respawnSeconds === GM_NO_RESPAWN_SECONDS);
  if (index < 0) return undefined;
  const template = s.zones[index]!.template.id;
  // Without its zone, the next step's spawn pass despawns the NPC (npc_despawned).
  s.zones.splice(index, 1);
  s.zoneZ.delete(zoneId);
  return template;
}
