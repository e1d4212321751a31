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
  for (const p of s.world.players.values()) {
    if (p.hp <= 0) continue;
    // A player at full health (most, most of the time) needs no look-up of its fights.
    if (p.hp >= p.maxHp || inCombat(s, p.sessionId, p.lastHostileTick, tick)) {
      p.regenCarry = 0;
      continue;
    }
    p.regenCarry += p.maxHp * perTick;
    const whole = Math.floor(p.regenCarry);
    if (whole === 0) continue;
    p.regenCarry -= whole;
    p.hp = Math.min(p.maxHp, p.hp + whole);
  }
}

function inCombat(s: DistrictState, sessionId: string, lastHostileTick: number, tick: number): boolean {
  return (
    tick - lastHostileTick < s.outOfCombatTicks ||
    s.targeted.has(sessionId) ||
    isEngaged(s.combat, sessionId) ||
    s.combat.queuedFor.has(sessionId)
  );
}
