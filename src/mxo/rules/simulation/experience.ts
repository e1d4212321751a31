import { playerMaxIs, styleDamage } from "../adapters.js";
import { maxHealth } from "../characterRules.js";
import { levelForExperience } from "../progression.js";
import type { DistrictPlayer } from "./DistrictPlayer.js";
import type { DistrictState } from "./DistrictState.js";
import { loadoutFor } from "./loadouts.js";

/**
 * Experience gained (kills, mission rewards): `xp`, and for each level it
 * reaches a `level_up` with what the level adds — max HP as `maxHealth` says
 * (HP too), max Inner Strength, the starter loadout and the interlock style.
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
    // Each level adds what characterRules says it adds, on top of whatever the character had.
    const gain = maxHealth(player.stats, level) - maxHealth(player.stats, level - 1);
    player.level = level;
    player.maxHp += gain;
    player.hp = Math.min(player.maxHp, player.hp + gain);
    const maxIs = playerMaxIs(level);
    player.is = Math.min(maxIs, player.is + (maxIs - player.maxIs));
    player.maxIs = maxIs;
    player.loadout = loadoutFor(s, player, level);
    player.style = { ...player.style, damage: styleDamage(level, player.loadout, s.pack) };
    s.out.push({ kind: "level_up", tick, sessionId, level, maxHp: player.maxHp, maxIs });
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
