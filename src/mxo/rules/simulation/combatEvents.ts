import type { CombatEvent } from "../combat/index.js";
import type { DistrictState } from "./DistrictState.js";

/**
 * What the district makes of combat's events: it passes them out, notes who is
 * in combat, provokes NPCs, and keeps deaths for their phase. Combat owns HP;
 * the NPCs' AI records mirror it (`syncHp`).
 */
export function emitCombat(s: DistrictState, events: readonly CombatEvent[]): void {
  for (const event of events) {
    if (event.type === "death") {
      s.deaths.push(event);
      continue;
    }
    s.out.push({ kind: "combat", tick: event.tick, event });
    switch (event.type) {
      case "ability_used":
        hostile(s, event.casterId, event.targetId, event.tick);
        break;
      case "miss":
      case "damage":
        hostile(s, event.sourceId, event.targetId, event.tick);
        break;
      case "interlock_started":
      case "interlock_queued":
        hostile(s, event.attackerId, event.targetId, event.tick);
        break;
    }
  }
}

/** `a` acted against `b`: both are in combat, and an NPC fights back. */
export function hostile(s: DistrictState, a: string, b: string, tick: number): void {
  const pa = s.world.players.get(a);
  if (pa) pa.lastHostileTick = tick;
  const pb = s.world.players.get(b);
  if (pb) pb.lastHostileTick = tick;
  provoke(s, b, a);
  provoke(s, a, b);
}

/** An idle, living NPC attacked by (or attacking) a player turns on that player. */
export function provoke(s: DistrictState, npcId: string, playerId: string): void {
  const npc = s.npcs.get(npcId);
  if (!npc || npc.mode !== "idle" || npc.hp <= 0 || !s.world.players.has(playerId)) return;
  if (s.templateDefs.get(npc.template.id)?.behavior === "passive") return;
  npc.mode = "chase";
  npc.targetId = playerId;
  npc.wanderTo = null;
}

/** Copies combat's HP into the NPCs' AI records (a player's record is its combatant). */
export function syncHp(s: DistrictState): void {
  for (const n of s.npcs.values()) {
    const c = s.combat.combatants.get(n.id);
    if (c) n.hp = c.hp;
  }
}
