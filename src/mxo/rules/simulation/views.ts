import type { CharacterStats } from "../characterRules.js";
import { interlockOf } from "../combat/index.js";
import type { SimNpc } from "../npc/types.js";
import type { DistrictState } from "./DistrictState.js";
import type { NpcView, PlayerView } from "./GameEvent.js";

/** Read-only projections of the district for the room's schema and for tools: fresh objects, safe to keep. */

export function playerViews(s: DistrictState): PlayerView[] {
  const out: PlayerView[] = [];
  for (const p of s.world.players.values()) {
    const view = playerView(s, p.sessionId);
    if (view) out.push(view);
  }
  return out;
}

export function playerView(s: DistrictState, sessionId: string): PlayerView | undefined {
  const p = s.world.players.get(sessionId);
  const c = s.combat.combatants.get(sessionId);
  const extra = s.extras.get(sessionId);
  if (!p || !c || !extra) return undefined;
  return {
    sessionId,
    characterId: p.characterId,
    name: p.name,
    organization: p.organization,
    x: p.x,
    y: p.y,
    z: p.z,
    heading: p.heading,
    hp: c.hp,
    maxHp: c.maxHp,
    level: p.level,
    experience: extra.experience,
    ack: p.ack,
    is: c.is,
    maxIs: c.maxIs,
    dead: c.hp <= 0,
    interlockId: interlockOf(s.combat, sessionId)?.id ?? null,
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

/** The character's stats as the simulation holds them (GM changes included). */
export function statsOf(s: DistrictState, sessionId: string): CharacterStats | undefined {
  const extra = s.extras.get(sessionId);
  return extra && { ...extra.stats };
}
