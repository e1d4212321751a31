import { removeCombatant } from "../combat/index.js";
import { emitCombat, syncHp } from "./combatEvents.js";
import { createDistrictPlayer } from "./DistrictPlayer.js";
import type { DistrictState } from "./DistrictState.js";
import { endEscort } from "./phases/escorts.js";
import { applyLoadout, loadoutAbility } from "./loadouts.js";
import { deriveFor, refreshFigures } from "./character.js";
import type { PlayerJoin } from "./PlayerJoin.js";

/** Players entering and leaving the district. */

/** Adds a character at the given place. A character saved dead waits out the respawn delay. */
export function addPlayer(s: DistrictState, join: PlayerJoin): void {
  const id = join.sessionId;
  if (s.world.players.has(id) || s.npcs.has(id)) throw new Error(`id "${id}" is already in use`);
  const player = createDistrictPlayer(join, {
    moveSpeed: s.def.moveSpeed,
    respawnAt: s.world.tick + s.respawnTicks,
    pack: s.pack,
  });
  // One record in the world, in combat and among the positions.
  s.world.players.set(id, player);
  s.positions.set(id, player);
  s.combat.combatants.set(id, player);
  // A saved loadout comes back as far as this pack still allows it.
  if (join.loadout)
    applyLoadout(
      s,
      player,
      join.loadout.filter((a) => loadoutAbility(s.pack, a)?.usable),
    );
  // Equipment and the belief-raised Inner Strength: the figures follow from the rules. Without
  // equipment the saved max HP stands (it is the rules' own unless a test or tool set it).
  if (join.equipment && Object.keys(join.equipment).length > 0) {
    player.equipment = { ...join.equipment };
    refreshFigures(s, player, "keep");
  } else {
    refreshFigures(s, player, "as_is");
    player.maxIs = deriveFor(s, player).combat.maxIs;
    player.is = player.maxIs;
  }
}

/** Takes a player out (leave, travel): its interlock ends as "removed", queues release it. */
export function removePlayer(s: DistrictState, sessionId: string): boolean {
  if (!s.world.players.has(sessionId)) return false;
  // An escort goes with the player it follows (it comes back when the mission is resumed).
  for (const [npcId, e] of s.escorts) if (e.owner === sessionId) endEscort(s, npcId);
  emitCombat(s, removeCombatant(s.combat, sessionId, s.world.tick));
  s.world.players.delete(sessionId);
  s.positions.delete(sessionId);
  s.effects.delete(sessionId);
  s.speedFactor.delete(sessionId);
  s.stealthed.delete(sessionId);
  s.inputs.delete(sessionId);
  syncHp(s);
  return true;
}
