import { externalEnd, openDuel, roundEnd } from "./duel.js";
import { INTERLOCK_LOG_VERSION, type InterlockEnd, type InterlockLog, type Sides } from "./interlockLog.js";
import { resolveRound } from "./resolveRound.js";

export interface InterlockResult {
  reason: InterlockEnd["reason"] | null;
  winner: string | null;
  rounds: number;
  hp: Sides<number>;
}

/**
 * Re-runs an interlock from its inputs alone (rules, seed, fighters, starting
 * HP/IS, and each round's submitted actions, outside changes and tick) and
 * returns the log and result that produces. An untouched log replays to a
 * deep-equal copy of itself; any difference means the rules or the log changed.
 */
export function replayInterlock(log: InterlockLog): { log: InterlockLog; result: InterlockResult } {
  // An older log was resolved by other rules: replaying it here would "prove" a different fight.
  if ((log.version as number) !== INTERLOCK_LOG_VERSION)
    throw new Error(
      `interlock log version ${log.version} cannot be replayed by version ${INTERLOCK_LOG_VERSION}`,
    );
  let duel = openDuel(log.seed, log.start);
  const rounds: InterlockLog["rounds"] = [];
  let end: InterlockEnd | null = null;
  for (const recorded of log.rounds) {
    if (end) break; // rounds logged after the fight ended cannot be reproduced: the replay stops short
    const step = resolveRound(
      log.rules,
      log.fighters,
      duel,
      recorded.inputs,
      recorded.external,
      recorded.tick,
    );
    duel = step.duel;
    rounds.push(step.entry);
    end = roundEnd(log.rules, log.fighters, duel, step.entry);
  }
  if (!end && log.end) end = externalEnd(log.fighters, duel, log.end.reason, log.end.external, log.end.tick);
  const replayed: InterlockLog = { ...log, rounds, end };
  return { log: replayed, result: interlockResult(replayed) };
}

export function interlockResult(log: InterlockLog): InterlockResult {
  const last = log.end?.final ?? log.rounds.at(-1)?.after ?? log.start;
  return {
    reason: log.end?.reason ?? null,
    winner: log.end?.winner ?? null,
    rounds: log.rounds.length,
    hp: { a: last.a.hp, b: last.b.hp },
  };
}
