import type { CharacterStats } from "../characterRules.js";
import { interlockOf } from "../combat/index.js";
import type { SimNpc } from "../npc/types.js";
import type { DistrictPlayer } from "./DistrictPlayer.js";
import type { DistrictState } from "./DistrictState.js";
import type { NpcView, PlayerView } from "./GameEvent.js";

/** Read-only projections of the district for the room's schema and for tools: fresh objects, safe to keep. */

export function playerViews(s: DistrictState): PlayerView[] {
  const out: PlayerView[] = [];
  for (const p of s.world.players.values()) out.push(playerView(s, p));
  return out;
}

export function playerView(s: DistrictState, p: DistrictPlayer): PlayerView {
  return {
    sessionId: p.sessionId,
    characterId: p.characterId,
    name: p.name,
    organization: p.organization,
    x: p.x,
    y: p.y,
    z: p.z,
    heading: p.heading,
    hp: p.hp,
    maxHp: p.maxHp,
    level: p.level,
    experience: p.experience,
    ack: p.ack,
    is: p.is,
    maxIs: p.maxIs,
    dead: p.hp <= 0,
    interlockId: interlockOf(s.combat, p.sessionId)?.id ?? null,
  };
}

export function npcViews(s: DistrictState): NpcView[] {
  const out: NpcView[] = [];
  for (const n of s.npcs.values()) out.push(npcView(s, n));
  return out;
}

export function npcView(s: DistrictState, n: SimNpc): NpcView {
  const c = s.combat.combatants.get(n.id);
  const hp = c ? c.hp : n.hp;
  return {
    id: n.id,
    template: n.template.id,
    name: n.template.name,
    level: n.template.level,
    x: n.x,
    y: n.y,
    z: n.z,
    heading: n.heading,
    hp,
    maxHp: n.maxHp,
    // A killing blow lands before the AI notices it on its next step.
    state: hp <= 0 ? "dead" : n.mode,
    targetId: n.targetId,
  };
}

/** The character's attributes as allocated (GM changes included; equipment's bonuses not). */
export function statsOf(s: DistrictState, sessionId: string): CharacterStats | undefined {
  const p = s.world.players.get(sessionId);
  return p && { ...p.baseStats };
}
