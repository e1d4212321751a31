import { levelForExperience } from "../progression.js";
import { levelUp } from "./character.js";
import type { DistrictPlayer } from "./DistrictPlayer.js";
import type { DistrictState } from "./DistrictState.js";

/**
 * Experience gained (kills, mission rewards): `xp`, and for each level it
 * reaches a `level_up` with what the level adds (`levelUp`, character.ts):
 * max HP (HP too), max Inner Strength, the starter loadout, the interlock style.
 */
export function grantExperience(
  s: DistrictState,
  player: DistrictPlayer,
  amount: number,
  tick: number,
): void {
  if (amount <= 0) return;
  player.experience += amount;
  const from = player.level;
  const to = Math.max(from, levelForExperience(player.experience));
  const sessionId = player.sessionId;
  s.out.push({
    kind: "xp",
    tick,
    sessionId,
    amount,
    experience: player.experience,
    ...(to > from ? { level: to } : {}),
  });
  for (let level = from + 1; level <= to; level++) {
    // Each level adds what the rules say it adds, on top of whatever the character had.
    const { maxHp, maxIs } = levelUp(s, player, level);
    s.out.push({ kind: "level_up", tick, sessionId, level, maxHp, maxIs });
  }
}

/**
 * Experience from outside combat (mission rewards). Its `xp`/`level_up`
 * events come out of the next `step()`, like any request between steps.
 */
export function awardExperience(s: DistrictState, sessionId: string, amount: number): boolean {
  const player = s.world.players.get(sessionId);
  if (!player || !(amount > 0)) return false;
  grantExperience(s, player, Math.floor(amount), s.world.tick);
  return true;
}
