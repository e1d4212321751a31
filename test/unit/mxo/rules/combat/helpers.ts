import assert from "node:assert/strict";
import { maxHealth } from "../../../../../src/mxo/rules/characterRules.js";
import {
  createCombatState,
  interlockOf,
  makeCombatConfig,
  nextFloat,
  seedRng,
  startInterlock,
  stepCombat,
  submitInterlockAction,
  type AbilityDef,
  type CombatConfig,
  type CombatEvent,
  type CombatState,
  type Combatant,
  type CoreStats,
  type InterlockAction,
  type InterlockLog,
  type InterlockRules,
  type Position,
  type RollLog,
  type RoundLog,
  resolveRound,
} from "../../../../../src/mxo/rules/combat/index.js";
import { openDuel, snapshotFighter } from "../../../../../src/mxo/rules/combat/duel.js";
import type { DuelState } from "../../../../../src/mxo/rules/combat/interlockLog.js";

export const TICK_RATE = 20;
export const ROUND = 60; // 3 s at 20 Hz

export const FIVES: CoreStats = { focus: 5, perception: 5, reason: 5, belief: 5, vitality: 5 };

export const PISTOL: AbilityDef = {
  id: "pistol",
  damageType: "ranged",
  range: 30,
  cooldownSeconds: 2,
  isCost: 10,
  accuracy: 100,
  damage: 40,
};
export const VIRUS: AbilityDef = {
  id: "virus",
  damageType: "viral",
  range: 20,
  cooldownSeconds: 1.5,
  isCost: 25,
  accuracy: 100,
  damage: 40,
};
export const ABILITIES = [PISTOL, VIRUS];

/** A level-`level` character as a fresh CR2 player would be: 5s plus one point per level above 1. */
export function fighter(id: string, over: Partial<Combatant> = {}): Combatant {
  const level = over.level ?? 10;
  const stats = over.stats ?? FIVES;
  const hp = maxHealth(stats, level);
  return {
    id,
    level,
    stats,
    maxHp: hp,
    hp,
    maxIs: 100,
    is: 100,
    defence: { melee: 100, ranged: 100, viral: 100 },
    resistance: { melee: 20, ranged: 20, viral: 20 },
    style: { accuracy: 100, damage: 50 },
    loadout: ["pistol", "virus"],
    readyAt: {},
    ...over,
  };
}

export function config(
  interlock: Partial<InterlockRules> = {},
  over: Partial<CombatConfig> = {},
): CombatConfig {
  return makeCombatConfig(TICK_RATE, { ...over, interlock });
}

export function world(
  seed: number,
  combatants: Combatant[],
  cfg: CombatConfig = config(),
): { state: CombatState; positions: Map<string, Position> } {
  const state = createCombatState({ config: cfg, seed, abilities: ABILITIES });
  const positions = new Map<string, Position>();
  combatants.forEach((c, i) => {
    state.combatants.set(c.id, c);
    positions.set(c.id, { x: i, y: 0 });
  });
  return { state, positions };
}

export function ok(result: { ok: boolean; events?: CombatEvent[] }): CombatEvent[] {
  assert.ok(result.ok, `expected ok, got ${JSON.stringify(result)}`);
  return result.events ?? [];
}

export function get(state: CombatState, id: string): Combatant {
  const c = state.combatants.get(id);
  assert.ok(c, `combatant ${id} missing`);
  return c;
}

export type Chooser = (round: number, fighterId: string) => InterlockAction | null;

/** A seeded chooser picking uniformly among `choices` (null = let the round clock default it). */
export function randomChooser(seed: number, choices: readonly (InterlockAction | null)[]): Chooser {
  const rng = seedRng(seed);
  return () => choices[Math.floor(nextFloat(rng) * choices.length)] ?? null;
}

/**
 * Starts an interlock a→b at tick 0 and steps the world tick by tick until it
 * ends, asking `choose` for both fighters before each round. Returns the log.
 */
export function fight(
  state: CombatState,
  positions: Map<string, Position>,
  aId: string,
  bId: string,
  choose: Chooser,
  maxTicks = 1_000_000,
): { log: InterlockLog; events: CombatEvent[] } {
  const events = ok(startInterlock(state, aId, bId, state.tick, positions));
  // Held by reference: the interlock may also end outside stepCombat (a free attack kills).
  const log = interlockOf(state, aId)?.log;
  assert.ok(log, "interlock did not start");
  let pendingChoice = true;
  let round = 0;
  for (let tick = state.tick + 1; tick < maxTicks && !log.end; tick++) {
    if (pendingChoice) {
      round++;
      for (const id of [aId, bId]) {
        const action = choose(round, id);
        if (action && !log.end) ok(submitInterlockAction(state, id, action));
      }
      pendingChoice = false;
    }
    const stepEvents = stepCombat(state, tick, positions);
    events.push(...stepEvents);
    if (stepEvents.some((e) => e.type === "round_resolved")) pendingChoice = true;
  }
  assert.ok(log.end, "fight did not end");
  return { log, events };
}

export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** One round straight through the pure resolver, from fresh fighters. */
export function oneRound(
  a: Combatant,
  b: Combatant,
  inputs: { a: InterlockAction | null; b: InterlockAction | null },
  seed: number,
  rules: InterlockRules = config().interlock,
  duelOver: Partial<DuelState> = {},
): { entry: RoundLog; duel: DuelState } {
  const fighters = { a: snapshotFighter(a), b: snapshotFighter(b) };
  const duel = { ...openDuel(seed, { a: { hp: a.hp, is: a.is }, b: { hp: b.hp, is: b.is } }), ...duelOver };
  return resolveRound(rules, fighters, duel, inputs, NO_EXTERNAL, 0);
}

export const NO_EXTERNAL = { a: { hp: 0, is: 0 }, b: { hp: 0, is: 0 } };

export function rollsOf(entry: RoundLog, side: "a" | "b", kind: RollLog["kind"]): RollLog[] {
  return entry.rolls.filter((r) => r.side === side && r.kind === kind);
}
