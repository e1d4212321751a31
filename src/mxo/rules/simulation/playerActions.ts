import type { ContentPack } from "../../content/ContentPack.js";
import { CLOSE_COMBAT_ABILITY, interlockActionOf, startsInterlock } from "../adapters.js";
import {
  isEngaged,
  leaveQueue,
  secondsToTicks,
  startInterlock,
  submitInterlockAction,
  useAbility as useCombatAbility,
  type CombatResult,
  type Position,
} from "../combat/index.js";
import { addEffects, healAmount } from "../effects.js";
import { emitCombat, hostile, provoke, syncHp } from "./combatEvents.js";
import type { DistrictPlayer } from "./DistrictPlayer.js";
import type { DistrictState } from "./DistrictState.js";
import { fromCombatError, OK, refuse, type GameResult, type RefusalWords } from "./GameError.js";
import { applyEffects, endStealth } from "./phases/effects.js";

/**
 * A player's combat requests between steps: free attacks, interlock openers
 * and actions, support abilities. They act at once, at the tick of the last
 * step; their events come out of the next `step()`.
 */

/**
 * Uses an ability of the player's loadout on `targetId`. A free attack (an
 * `attack` ability) goes through combat's `useAbility`. The close-combat move
 * (`CLOSE_COMBAT_ABILITY`) or an `interlock` ability pulls the target into
 * interlock (or queues behind its current duel); while already engaged, an
 * `interlock` ability submits the action it powers for the coming round.
 * `seenTarget`: where the shooter saw the target (lag compensation, ranged and
 * viral free attacks only).
 */
export function useAbility(
  s: DistrictState,
  sessionId: string,
  abilityId: string,
  targetId: string,
  seenTarget?: { x: number; y: number },
): GameResult {
  const caster = s.world.players.get(sessionId);
  if (!caster) return refuse("not_found", "You are not in this district");
  if (caster.hp <= 0) return refuse("dead", "You cannot act while defeated");
  const tick = s.world.tick;
  const def = s.pack.ability(abilityId);
  if (def && def.kind !== "attack" && def.kind !== "interlock") {
    return useSupport(s, sessionId, caster, def, targetId, tick);
  }
  let result: CombatResult;
  if (startsInterlock(abilityId, s.pack)) {
    if (!caster.loadout.includes(abilityId))
      return fromCombatError({ code: "not_in_loadout", abilityId }, words(s));
    if (isEngaged(s.combat, sessionId)) {
      const action = interlockActionOf(s.pack.ability(abilityId));
      if (!action) return fromCombatError({ code: "already_engaged", id: sessionId }, words(s));
      return interlock(s, sessionId, action);
    }
    const refused = checkTarget(s, sessionId, targetId);
    if (refused) return refused;
    result = startInterlock(s.combat, sessionId, targetId, tick, s.positions);
  } else {
    const refused = checkTarget(s, sessionId, targetId);
    if (refused) return refused;
    result = useCombatAbility(
      s.combat,
      sessionId,
      abilityId,
      targetId,
      tick,
      positionsSeen(s, abilityId, targetId, seenTarget),
    );
  }
  if (!result.ok) return fromCombatError(result.error, words(s));
  // Attacking gives a hidden player away.
  endStealth(s, sessionId);
  emitCombat(s, result.events);
  syncHp(s);
  return OK;
}

/**
 * Heals, buffs, debuffs and movement abilities: loadout, close combat,
 * cooldown, Inner Strength, target and range checks like an attack, then
 * the effect (a rolled heal, or timed modifiers), reported as an `effect`
 * event. A debuff on an NPC provokes it.
 */
function useSupport(
  s: DistrictState,
  sessionId: string,
  caster: DistrictPlayer,
  def: NonNullable<ReturnType<ContentPack["ability"]>>,
  requested: string,
  tick: number,
): GameResult {
  if (!caster.loadout.includes(def.id))
    return fromCombatError({ code: "not_in_loadout", abilityId: def.id }, words(s));
  if (isEngaged(s.combat, sessionId)) return refuse("in_interlock", "Your hands are full in close combat");
  const readyTick = caster.readyAt[def.id] ?? 0;
  if (tick < readyTick)
    return fromCombatError({ code: "on_cooldown", abilityId: def.id, readyTick }, words(s));
  if (caster.is < def.innerStrength) {
    return fromCombatError({ code: "not_enough_is", need: def.innerStrength, have: caster.is }, words(s));
  }
  let targetId = sessionId;
  if (def.target === "ally" && requested && requested !== sessionId) {
    if (!s.world.players.has(requested)) return refuse("invalid_target", "Only players can be helped");
    targetId = requested;
  } else if (def.target === "enemy") {
    if (!requested || requested === sessionId) return refuse("invalid_target", "Choose an enemy");
    const refused = checkTarget(s, sessionId, requested);
    if (refused) return refused;
    targetId = requested;
  }
  const target = s.combat.combatants.get(targetId);
  if (!target || target.hp <= 0) return refuse("target_dead", "That one is already down");
  if (targetId !== sessionId) {
    const a = s.positions.get(sessionId);
    const b = s.positions.get(targetId);
    const distance = a && b ? Math.hypot(a.x - b.x, a.y - b.y) : Infinity;
    if (distance > def.range) {
      return fromCombatError({ code: "out_of_range", distance, range: def.range }, words(s));
    }
  }
  caster.is -= def.innerStrength;
  caster.readyAt[def.id] = tick + secondsToTicks(def.cooldown, s.tickRate);
  let healed: number | undefined;
  if (def.heal) {
    const amount = healAmount(def.heal, s.effectRng(), caster.stats[def.scalesWith]);
    healed = Math.min(target.maxHp, target.hp + amount) - target.hp;
    target.hp += healed;
    syncHp(s);
  }
  if (def.modifiers.length > 0) {
    const added = def.modifiers.map((m) => ({
      abilityId: def.id,
      sourceId: sessionId,
      attribute: m.attribute,
      amount: m.amount,
      untilTick: tick + Math.max(1, secondsToTicks(m.durationSeconds, s.tickRate)),
    }));
    s.effects.set(targetId, addEffects(s.effects.get(targetId) ?? [], added));
    applyEffects(s, targetId);
  }
  if (def.target === "enemy" && s.npcs.has(targetId)) {
    hostile(s, sessionId, targetId, tick);
    provoke(s, targetId, sessionId);
  }
  s.out.push({
    kind: "effect",
    tick,
    casterId: sessionId,
    targetId,
    abilityId: def.id,
    ...(healed !== undefined ? { healed, hp: target.hp } : {}),
    modifiers: def.modifiers.map((m) => ({
      attribute: m.attribute,
      amount: m.amount,
      seconds: m.durationSeconds,
    })),
  });
  return OK;
}

/**
 * Chooses the player's action for the coming interlock round: `quick`,
 * `power`, `grab`, `block` or `withdraw` (unchecked client input).
 */
export function interlock(s: DistrictState, sessionId: string, action: unknown): GameResult {
  const fighter = s.world.players.get(sessionId);
  if (!fighter) return refuse("not_found", "You are not in this district");
  if (fighter.hp <= 0) return refuse("dead", "You cannot act while defeated");
  const result = submitInterlockAction(s.combat, sessionId, action);
  return result.ok ? OK : fromCombatError(result.error, words(s));
}

/** Gives up a place in an interlock queue (a no-op when not queued). */
export function leaveInterlockQueue(s: DistrictState, sessionId: string): void {
  if (s.world.players.has(sessionId)) emitCombat(s, leaveQueue(s.combat, sessionId, s.world.tick));
}

/** Names and seconds for the player's refusals, from this district's content and players. */
function words(s: DistrictState): RefusalWords {
  return {
    ability: (id) =>
      id === CLOSE_COMBAT_ABILITY ? "Close combat" : (s.pack.ability(id)?.name ?? "That ability"),
    fighter: (id) => s.world.players.get(id)?.name ?? s.npcs.get(id)?.template.name ?? "that target",
    secondsUntil: (tick) => Math.max(1, Math.ceil((tick - s.world.tick) / s.tickRate)),
  };
}

/** Refusals combat cannot know about: unknown ids, untouchable NPCs, PvP off. */
function checkTarget(s: DistrictState, casterId: string, targetId: string): GameResult | undefined {
  if (s.world.players.has(targetId)) {
    if (targetId !== casterId && !s.def.pvp) {
      return refuse("pvp_disabled", `${s.def.name} does not allow fighting other players`);
    }
    return undefined;
  }
  if (!s.npcs.has(targetId)) return refuse("not_found", "That target is not here");
  if (!s.combat.combatants.has(targetId)) return refuse("invalid_target", "That one cannot be attacked");
  return undefined;
}

/** Everyone's live positions, except the target where the shooter saw it (ranged attacks only). */
function positionsSeen(
  s: DistrictState,
  abilityId: string,
  targetId: string,
  seen: { x: number; y: number } | undefined,
): ReadonlyMap<string, Position> {
  const type = s.pack.ability(abilityId)?.damageType;
  const live = s.positions.get(targetId);
  if (!seen || !live || (type !== "ranged" && type !== "viral")) return s.positions;
  if (!Number.isFinite(seen.x) || !Number.isFinite(seen.y)) return s.positions;
  const positions = new Map(s.positions);
  positions.set(targetId, { ...live, x: seen.x, y: seen.y });
  return positions;
}
