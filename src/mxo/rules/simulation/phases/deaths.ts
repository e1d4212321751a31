import { leaveQueue } from "../../combat/index.js";
import { killExperience } from "../../progression.js";
import { rollLoot } from "../../rollLoot.js";
import type { SimNpc } from "../../npc/types.js";
import { emitCombat } from "../combatEvents.js";
import type { DistrictPlayer } from "../DistrictPlayer.js";
import type { CombatDeath, DistrictState } from "../DistrictState.js";
import { grantExperience } from "../experience.js";

/**
 * Deaths combat reported since the last pass: a player waits for its respawn
 * (and leaves any interlock queue); an NPC killed by a player present here
 * pays that player XP, a `kill` for missions and a `loot` roll (not granted
 * here). Only the killing blow's dealer is credited.
 */
export function resolveDeaths(s: DistrictState, tick: number): void {
  const deaths = s.deaths;
  s.deaths = [];
  for (const death of deaths) {
    const player = s.world.players.get(death.id);
    if (player) {
      killPlayer(s, player, death, tick);
      continue;
    }
    const npc = s.npcs.get(death.id);
    if (npc) killNpc(s, npc, death, tick);
  }
}

function killPlayer(s: DistrictState, player: DistrictPlayer, death: CombatDeath, tick: number): void {
  player.respawnAt = tick + s.respawnTicks;
  s.out.push({
    kind: "death",
    tick: death.tick,
    id: player.sessionId,
    entity: "player",
    killerId: death.killerId,
    x: player.x,
    y: player.y,
    z: player.z,
  });
  emitCombat(s, leaveQueue(s.combat, player.sessionId, tick));
}

function killNpc(s: DistrictState, npc: SimNpc, death: CombatDeath, tick: number): void {
  const template = npc.template.id;
  s.out.push({
    kind: "death",
    tick: death.tick,
    id: npc.id,
    entity: "npc",
    killerId: death.killerId,
    template,
    x: npc.x,
    y: npc.y,
    z: npc.z,
  });
  const killer = s.world.players.get(death.killerId);
  const def = s.templateDefs.get(template);
  // Only the killing blow's dealer is credited, and only a player present here.
  if (!killer || !def) return;
  const sessionId = killer.sessionId;
  grantExperience(s, killer, killExperience(def.xp, killer.level, def.level), tick);
  s.out.push({ kind: "kill", tick, sessionId, npcId: npc.id, template });
  const table = def.lootTable === undefined ? undefined : s.pack.lootTable(def.lootTable);
  if (!table) return;
  const drop = rollLoot(table, s.lootRng);
  if (drop.items.length > 0 || drop.info > 0) {
    s.out.push({ kind: "loot", tick, sessionId, npcId: npc.id, template, ...drop });
  }
}
