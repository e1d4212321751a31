import type { CombatEvent } from "./CombatEvent.js";
import { refuse, type CombatResult } from "./CombatResult.js";
import type { CombatState } from "./CombatState.js";
import { secondsToTicks } from "./config.js";
import { applyDamage, distanceSquared, endInterlock } from "./engagement.js";
import { levelModifier } from "./levelModifier.js";
import { rollDamage } from "./damage.js";
import { nextFloat } from "./rng.js";
import { rated } from "./stats.js";
import type { Positions } from "./types.js";

/**
 * A free attack: validate, pay, roll. Checks run in a fixed order (caster,
 * loadout, ability, target, interlock, cooldown, IS, range) and a refused use
 * changes nothing. A target in an interlock can be shot; its duel sees the HP
 * change as an outside change, and a kill ends that duel at once.
 */
export function useAbility(
  state: CombatState,
  casterId: string,
  abilityId: string,
  targetId: string,
  tick: number,
  positions: Positions,
): CombatResult {
  const caster = state.combatants.get(casterId);
  if (!caster || caster.hp <= 0) return refuse({ code: "invalid_caster", id: casterId });
  if (!caster.loadout.includes(abilityId)) return refuse({ code: "not_in_loadout", abilityId });
  const ability = state.abilities.get(abilityId);
  if (!ability) return refuse({ code: "unknown_ability", abilityId });
  const target = state.combatants.get(targetId);
  if (!target || targetId === casterId) return refuse({ code: "invalid_target", targetId });
  if (target.hp <= 0) return refuse({ code: "target_dead", targetId });
  // In interlock the fighter's hands are full; MxO's in-interlock specials are not modelled.
  if (state.engagedIn.has(casterId)) return refuse({ code: "in_interlock", id: casterId });
  const readyTick = caster.readyAt[abilityId] ?? 0;
  if (tick < readyTick) return refuse({ code: "on_cooldown", abilityId, readyTick });
  if (caster.is < ability.isCost)
    return refuse({ code: "not_enough_is", need: ability.isCost, have: caster.is });
  // A weapon of the attack's own type lends it its damage and reach.
  const weapon = caster.gear?.weapon?.damageType === ability.damageType ? caster.gear.weapon : undefined;
  const reach = Math.max(ability.range, weapon?.range ?? 0);
  const d2 = distanceSquared(positions.get(casterId), positions.get(targetId));
  if (d2 === undefined || d2 > reach * reach) {
    const distance = d2 === undefined ? Infinity : Math.sqrt(d2);
    return refuse({ code: "out_of_range", distance, range: reach });
  }

  caster.is -= ability.isCost;
  caster.readyAt[abilityId] = tick + secondsToTicks(ability.cooldownSeconds, state.config.tickRate);

  const type = ability.damageType;
  const accuracy =
    rated(ability.accuracy, caster.stats, `${type}Accuracy`) *
    (1 + levelModifier(caster.level - target.level)) *
    Math.max(0, 1 + (caster.mods?.accuracy ?? 0) + (caster.gear?.accuracy ?? 0));
  const defence = Math.max(
    0,
    rated(target.defence[type], target.stats, `${type}Defence`) + (target.mods?.defence ?? 0),
  );
  const attackRoll = nextFloat(state.rng) * accuracy;
  const defenceRoll = nextFloat(state.rng) * defence;
  const events: CombatEvent[] = [
    { type: "ability_used", tick, casterId, abilityId, targetId, attackRoll, defenceRoll },
  ];
  if (attackRoll <= defenceRoll) {
    events.push({ type: "miss", tick, sourceId: casterId, targetId, abilityId });
    return { ok: true, events };
  }

  const base =
    rated(ability.damage + (weapon?.damage ?? 0), caster.stats, `${type}Damage`) *
    Math.max(0, 1 + (caster.mods?.damage ?? 0));
  const resistance = rated(target.resistance[type], target.stats, `${type}Resistance`);
  const amount = rollDamage(base, nextFloat(state.rng), state.config.interlock.damageVariance, resistance);
  applyDamage(caster, target, amount, { tick, damageType: type, abilityId, interlockId: null }, events);

  const interlockId = state.engagedIn.get(targetId);
  const interlock = interlockId === undefined ? undefined : state.interlocks.get(interlockId);
  if (interlock && target.hp <= 0) endInterlock(state, interlock, "death", tick, events);
  return { ok: true, events };
}
