import { startsInterlock } from "../../adapters.js";
import {
  isEngaged,
  startInterlock,
  submitInterlockAction,
  useAbility,
  type InterlockAction,
} from "../../combat/index.js";
import { stepNpc } from "../../npc/stepNpc.js";
import type { NpcIntent, NpcWorldView, SimNpc } from "../../npc/types.js";
import { emitCombat, syncHp } from "../combatEvents.js";
import type { DistrictState } from "../DistrictState.js";
import { stepEscort } from "./escorts.js";

/** Actions an NPC picks from, uniformly, for each interlock round (it never withdraws). */
const NPC_INTERLOCK_ACTIONS: readonly InterlockAction[] = ["quick", "power", "grab", "block"];

/**
 * NPC AI: `stepNpc` for each NPC with one seeded stream (escorts follow their
 * player instead). NPCs in interlock stay put and pick a random action for
 * each round; the others' attack intents go through combat exactly like a
 * player's request. Notes who is being chased or attacked (`targeted`).
 */
export function runNpcs(s: DistrictState, tick: number): void {
  const intents: NpcIntent[] = [];
  s.targeted.clear();
  // What aggressive NPCs see this step: the world without stealthed players,
  // bucketed by position (built on the first search) so a search reads only nearby cells.
  const players =
    s.stealthed.size === 0
      ? s.world.players
      : new Map([...s.world.players].filter(([id]) => !s.stealthed.has(id)));
  const grid = s.playerGrid;
  grid.invalidate(players, s.world.bounds);
  const seen: NpcWorldView = {
    bounds: s.world.bounds,
    players,
    near: (x, y, radius) => grid.near(x, y, radius),
  };
  for (const [id, npc] of s.npcs) {
    const escort = s.escorts.get(id);
    if (escort) {
      stepEscort(s, id, npc, escort, tick);
      continue;
    }
    const c = s.combat.combatants.get(id);
    if (c) npc.hp = c.hp;
    const engaged = c !== undefined && isEngaged(s.combat, id);
    const { npc: next, intents: own } = stepNpc(npc, viewFor(s, npc, seen), s.dt, s.aiRng);
    const factor = s.speedFactor.get(id);
    if (engaged) {
      // Fighters in interlock are placed by the duel, not by their legs.
      next.x = npc.x;
      next.y = npc.y;
    } else {
      if (factor !== undefined && next.mode !== "dead" && npc.mode !== "dead") {
        // A slowed (or hastened) NPC covers that fraction of its step.
        next.x = npc.x + (next.x - npc.x) * factor;
        next.y = npc.y + (next.y - npc.y) * factor;
      }
      intents.push(...own);
    }
    if (c) c.hp = next.hp;
    if (npc.mode === "dead" && next.mode !== "dead") {
      if (c) {
        c.is = c.maxIs;
        c.readyAt = {};
      }
      s.out.push({
        kind: "npc_spawned",
        tick,
        npcId: id,
        template: next.template.id,
        x: next.x,
        y: next.y,
        z: next.z,
        respawn: true,
      });
    }
    s.npcs.set(id, next);
    s.positions.set(id, next);
    if (next.targetId !== null && (next.mode === "chase" || next.mode === "attack")) {
      s.targeted.add(next.targetId);
    }
  }

  // Close combat: an NPC picks each round's action as soon as the last one resolved.
  for (const interlock of s.combat.interlocks.values()) {
    for (const side of ["a", "b"] as const) {
      const id = interlock.fighters[side];
      if (interlock.pending[side] !== null || !s.npcs.has(id)) continue;
      const action = NPC_INTERLOCK_ACTIONS[Math.floor(s.aiRng() * NPC_INTERLOCK_ACTIONS.length)];
      submitInterlockAction(s.combat, id, action);
    }
  }

  // The AI only wants; combat decides, exactly as for a player's request.
  for (const intent of intents) {
    if (intent.abilityId === "") continue;
    const result = startsInterlock(intent.abilityId, s.pack)
      ? startInterlock(s.combat, intent.npcId, intent.targetId, tick, s.positions)
      : useAbility(s.combat, intent.npcId, intent.abilityId, intent.targetId, tick, s.positions);
    if (result.ok) emitCombat(s, result.events);
  }
  syncHp(s);
}

/** Aggressive NPCs see every (visible) player; defensive ones only once provoked; passive ones nobody. */
function viewFor(s: DistrictState, npc: SimNpc, seen: NpcWorldView): NpcWorldView {
  const def = s.templateDefs.get(npc.template.id);
  if (!def || def.behavior === "passive") return s.noPlayers;
  if (def.behavior === "aggressive" || npc.mode === "chase" || npc.mode === "attack") return seen;
  return s.noPlayers;
}
