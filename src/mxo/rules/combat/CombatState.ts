import type { CombatConfig, InterlockAction } from "./config.js";
import type { DuelState, InterlockLog, Sides } from "./interlockLog.js";
import { seedRng, type RngState } from "./rng.js";
import type { AbilityDef, Combatant } from "./types.js";

/** A duel in progress. */
export interface Interlock {
  id: string;
  fighters: Sides<string>;
  /** The tick at which the next round resolves. */
  nextRoundTick: number;
  /** Actions submitted for the coming round; the last submission wins. */
  pending: Sides<InterlockAction | null>;
  duel: DuelState;
  log: InterlockLog;
}

/**
 * Everything combat owns, as plain data. Invariant: a combatant is at most one
 * of engaged (in exactly one interlock) or queued (in exactly one queue).
 */
export interface CombatState {
  config: CombatConfig;
  abilities: ReadonlyMap<string, AbilityDef>;
  /** Players and NPCs alike; the room adds and updates them. */
  combatants: Map<string, Combatant>;
  interlocks: Map<string, Interlock>;
  /** Fighter id → interlock id. */
  engagedIn: Map<string, string>;
  /** Target id → attackers waiting for it, first come first served. */
  queues: Map<string, string[]>;
  /** Attacker id → the target it is queued for. */
  queuedFor: Map<string, string>;
  /** Draws for free attacks and for seeding each new interlock's own stream. */
  rng: RngState;
  /** Last tick `stepCombat` ran, for regeneration over skipped ticks. */
  tick: number;
  nextInterlockId: number;
}

export function createCombatState(options: {
  config: CombatConfig;
  seed: number;
  abilities?: Iterable<AbilityDef>;
  tick?: number;
}): CombatState {
  return {
    config: options.config,
    abilities: new Map([...(options.abilities ?? [])].map((a) => [a.id, a])),
    combatants: new Map(),
    interlocks: new Map(),
    engagedIn: new Map(),
    queues: new Map(),
    queuedFor: new Map(),
    rng: seedRng(options.seed),
    tick: options.tick ?? 0,
    nextInterlockId: 1,
  };
}

export function isEngaged(state: CombatState, id: string): boolean {
  return state.engagedIn.has(id);
}

/** The interlock `id` is fighting in, if any (the room freezes their movement). */
export function interlockOf(state: CombatState, id: string): Interlock | undefined {
  const interlockId = state.engagedIn.get(id);
  return interlockId === undefined ? undefined : state.interlocks.get(interlockId);
}
