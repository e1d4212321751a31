import type { InterlockRules } from "./config.js";
import {
  type DuelState,
  type FighterSnapshot,
  type HpIs,
  type InterlockEnd,
  type InterlockEndReason,
  type RoundLog,
  type Sides,
} from "./interlockLog.js";
import { seedRng } from "./rng.js";
import type { Combatant } from "./types.js";

/** Helpers shared by the live interlock and its replay: start, and the two ways to end. */

export function snapshotFighter(c: Combatant): FighterSnapshot {
  return {
    id: c.id,
    level: c.level,
    stats: { ...c.stats },
    maxHp: c.maxHp,
    maxIs: c.maxIs,
    style: { ...c.style },
    meleeDefence: c.defence.melee,
    meleeResistance: c.resistance.melee,
  };
}

export function openDuel(seed: number, start: Sides<HpIs>): DuelState {
  return {
    round: 0,
    rng: seedRng(seed),
    hp: { a: start.a.hp, b: start.b.hp },
    is: { a: start.a.is, b: start.b.is },
    dazed: { a: false, b: false },
    lastAction: { a: null, b: null },
  };
}

/** The end a just-resolved round causes, or null if the fight goes on. */
export function roundEnd(
  rules: InterlockRules,
  fighters: Sides<FighterSnapshot>,
  duel: DuelState,
  entry: RoundLog,
): InterlockEnd | null {
  let reason: InterlockEndReason | null = null;
  if (duel.hp.a <= 0 || duel.hp.b <= 0) reason = "death";
  else if (entry.escaped.a || entry.escaped.b) reason = "withdrew";
  else if (duel.round >= rules.maxRounds) reason = "timeout";
  if (!reason) return null;
  return {
    round: duel.round,
    tick: entry.tick,
    reason,
    winner: winner(reason, fighters, duel.hp),
    external: { a: { hp: 0, is: 0 }, b: { hp: 0, is: 0 } },
    final: { a: { ...entry.after.a }, b: { ...entry.after.b } },
  };
}

/** An end forced between rounds (outside death, a fighter leaving the world). */
export function externalEnd(
  fighters: Sides<FighterSnapshot>,
  duel: DuelState,
  reason: InterlockEndReason,
  external: Sides<HpIs>,
  tick: number,
): InterlockEnd {
  const final = {
    a: { hp: duel.hp.a + external.a.hp, is: duel.is.a + external.a.is },
    b: { hp: duel.hp.b + external.b.hp, is: duel.is.b + external.b.is },
  };
  return {
    round: duel.round,
    tick,
    reason,
    winner: winner(reason, fighters, { a: final.a.hp, b: final.b.hp }),
    external: { a: { ...external.a }, b: { ...external.b } },
    final,
  };
}

function winner(
  reason: InterlockEndReason,
  fighters: Sides<FighterSnapshot>,
  hp: Sides<number>,
): string | null {
  if (reason !== "death") return null;
  if (hp.a <= 0 && hp.b > 0) return fighters.b.id;
  if (hp.b <= 0 && hp.a > 0) return fighters.a.id;
  return null;
}
