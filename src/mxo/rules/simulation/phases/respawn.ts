import type { DistrictDef } from "../../../content/schema/district.js";
import type { DistrictState } from "../DistrictState.js";

/** Respawn: a defeated player whose delay ran out reappears at the nearest hardline with full HP and IS. */
export function respawnPlayers(s: DistrictState, tick: number): void {
  for (const player of s.world.players.values()) {
    if (player.respawnAt === null || tick < player.respawnAt) continue;
    const hardline = nearestHardline(s.def, player);
    player.x = hardline.x;
    player.y = hardline.y;
    player.z = hardline.z;
    player.hp = player.maxHp;
    player.is = player.maxIs;
    player.respawnAt = null;
    player.regenCarry = 0;
    s.out.push({
      kind: "respawn",
      tick,
      sessionId: player.sessionId,
      hardlineId: hardline.id,
      x: hardline.x,
      y: hardline.y,
      z: hardline.z,
      hp: player.hp,
    });
  }
}

function nearestHardline(
  district: DistrictDef,
  p: { x: number; y: number },
): DistrictDef["hardlines"][number] {
  let best = district.hardlines[0]!;
  let bestD2 = Infinity;
  for (const h of district.hardlines) {
    const d2 = (h.x - p.x) ** 2 + (h.y - p.y) ** 2;
    if (d2 < bestD2) {
      best = h;
      bestD2 = d2;
    }
  }
  return best;
}
