import { expireEffects as expired, totals } from "../../effects.js";
import type { DistrictState } from "../DistrictState.js";

/**
 * Running buffs, debuffs and movement effects on entities. The first phase of
 * a step drops what ended; support abilities add effects and attacks end
 * stealth (playerActions.ts).
 */

/** Drops the effects that ended by `tick` and re-reads what is left. */
export function expireEffects(s: DistrictState, tick: number): void {
  for (const [id, list] of s.effects) {
    const left = expired(list, tick);
    if (left === list) continue;
    s.effects.set(id, left);
    applyEffects(s, id);
  }
}

/** Re-reads an entity's running effects into its combatant, speed and stealth. */
export function applyEffects(s: DistrictState, id: string): void {
  const list = s.effects.get(id) ?? [];
  const t = totals(list);
  const c = s.combat.combatants.get(id);
  if (c) c.mods = { accuracy: t.accuracy, damage: t.damage, defence: t.defence };
  if (t.speed === 1) s.speedFactor.delete(id);
  else s.speedFactor.set(id, t.speed);
  if (t.stealth && s.world.players.has(id)) s.stealthed.add(id);
  else s.stealthed.delete(id);
  if (list.length === 0) s.effects.delete(id);
}

/** Attacking gives a hidden player away. */
export function endStealth(s: DistrictState, id: string): void {
  const list = s.effects.get(id);
  if (!list || !s.stealthed.has(id)) return;
  s.effects.set(
    id,
    list.filter((e) => e.attribute !== "stealth"),
  );
  applyEffects(s, id);
}
