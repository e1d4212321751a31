import { playerCombatant } from "../adapters.js";
import { removeCombatant } from "../combat/index.js";
import { emitCombat, syncHp } from "./combatEvents.js";
import type { DistrictState } from "./DistrictState.js";
import { endEscort } from "./phases/escorts.js";
import { applyLoadout, loadoutAbility } from "./loadouts.js";
import type { PlayerJoin } from "./PlayerJoin.js";
import type { SimPlayer } from "./world.js";

/** Players entering and leaving the district. */

/** Adds a character at the given place. A character saved dead waits out the respawn delay. */
export function addPlayer(s: DistrictState, join: PlayerJoin): void {
  const id = join.sessionId;
  if (s.world.players.has(id) || s.npcs.has(id)) throw new Error(`id "${id}" is already in use`);
  const maxHp = Math.max(1, Math.round(join.maxHp));
  const hp = Math.max(0, Math.min(maxHp, Math.round(join.hp)));
  const player: SimPlayer = {
    sessionId: id,
    characterId: join.characterId,
    name: join.name,
    organization: join.organization,
    x: join.x,
    y: join.y,
    z: join.z,
    heading: join.heading,
    hp,
    maxHp,
    level: join.level,
    speed: s.def.moveSpeed,
    intent: { moveX: 0, moveY: 0 },
    ack: 0,
  };
  s.world.players.set(id, player);
  s.positions.set(id, player);
  s.combat.combatants.set(
    id,
    playerCombatant({ id, level: join.level, stats: join.stats, hp, maxHp }, s.pack),
  );
  s.extras.set(id, {
    experience: join.experience ?? 0,
    stats: { ...join.stats },
    respawnAt: hp > 0 ? null : s.world.tick + s.respawnTicks,
    lastHostileTick: -Infinity,
    regenCarry: 0,
    loadout: null,
  });
  // A saved loadout comes back as far as this pack still allows it.
  if (join.loadout)
    applyLoadout(
      s,
      id,
      join.loadout.filter((a) => loadoutAbility(s.pack, a)?.usable),
    );
}

/** Takes a player out (leave, travel): its interlock ends as "removed", queues release it. */
export function removePlayer(s: DistrictState, sessionId: string): boolean {
  if (!s.world.players.has(sessionId)) return false;
  // An escort goes with the player it follows (it comes back when the mission is resumed).
  for (const [npcId, e] of s.escorts) if (e.owner === sessionId) endEscort(s, npcId);
  emitCombat(s, removeCombatant(s.combat, sessionId, s.world.tick));
  s.world.players.delete(sessionId);
  s.positions.delete(sessionId);
  s.extras.delete(sessionId);
  s.effects.delete(sessionId);
  s.speedFactor.delete(sessionId);
  s.stealthed.delete(sessionId);
  s.inputs.delete(sessionId);
  syncHp(s);
  return true;
}
