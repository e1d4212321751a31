import { isEngaged } from "../../combat/index.js";
import type { DistrictState } from "../DistrictState.js";

/**
 * Out-of-combat HP regeneration: a player with no hostile act given or taken
 * for `outOfCombatSeconds`, not engaged, queued or chased by an NPC, regains
 * `hpRegenPerSecond` of max HP per second, in whole points. Inner Strength
 * regenerates in combat's own step.
 */
export function regenerate(s: DistrictState, tick: number): void {
  const perTick = s.tuning.hpRegenPerSecond / s.tickRate;
  for (const [sessionId, extra] of s.extras) {
    const c = s.combat.combatants.get(sessionId);
    const player = s.world.players.get(sessionId);
    if (!c || !player || c.hp <= 0) continue;
    const inCombat =
      tick - extra.lastHostileTick < s.outOfCombatTicks ||
      s.targeted.has(sessionId) ||
      isEngaged(s.combat, sessionId) ||
      s.combat.queuedFor.has(sessionId);
    if (inCombat || c.hp >= c.maxHp) {
      extra.regenCarry = 0;
      continue;
    }
    extra.regenCarry += c.maxHp * perTick;
    const whole = Math.floor(extra.regenCarry);
    if (whole === 0) continue;
    extra.regenCarry -= whole;
    c.hp = Math.min(c.maxHp, c.hp + whole);
    player.hp = c.hp;
  }
}
