import { playerMaxIs, styleDamage } from "../adapters.js";
import { maxHealth } from "../characterRules.js";
import { levelForExperience } from "../progression.js";
import type { DistrictState } from "./DistrictState.js";
import { loadoutFor } from "./loadouts.js";
import type { SimPlayer } from "./world.js";

/**
 * Experience gained (kills, mission rewards): `xp`, and for each level it
 * reaches a `level_up` with what the level adds — max HP as `maxHealth` says
 * (HP too), max Inner Strength, the starter loadout and the interlock style.
 */
export function grantExperience(s: DistrictState, player: SimPlayer, amount: number, tick: number): void {
  const extra = s.extras.get(player.sessionId);
  const c = s.combat.combatants.get(player.sessionId);
  if (!extra || !c || amount <= 0) return;
  extra.experience += amount;
  const from = player.level;
  const to = Math.max(from, levelForExperience(extra.experience));
  const sessionId = player.sessionId;
  s.out.push({
    kind: "xp",
    tick,
    sessionId,
    amount,
    experience: extra.experience,
    ...(to > from ? { level: to } : {}),
  });
  for (let level = from + 1; level <= to; level++) {
    // Each level adds what characterRules says it adds, on top of whatever the character had.
    const gain = maxHealth(extra.stats, level) - maxHealth(extra.stats, level - 1);
    player.level = level;
    player.maxHp += gain;
    c.level = level;
    c.maxHp = player.maxHp;
    c.hp = Math.min(c.maxHp, c.hp + gain);
    const maxIs = playerMaxIs(level);
    c.is = Math.min(maxIs, c.is + (maxIs - c.maxIs));
    c.maxIs = maxIs;
    c.loadout = loadoutFor(s, extra, level);
    c.style = { ...c.style, damage: styleDamage(level, c.loadout, s.pack) };
    player.hp = c.hp;
    s.out.push({ kind: "level_up", tick, sessionId, level, maxHp: c.maxHp, maxIs });
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
