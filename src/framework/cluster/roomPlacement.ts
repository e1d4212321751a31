import { matchMaker, type Presence } from "@colyseus/core";

/** Shared counter: whose turn it is to take the next room. */
export const PLACEMENT_TURN_KEY = "mxo:placement:turn";

/**
 * How many rooms above the least loaded process a process may hold and still
 * take its turn. Counts are up to a second old, so a burst sees the same ones:
 * with no slack, the processes tied at the minimum would change under the
 * turns and two turns could name the same process.
 */
export const PLACEMENT_SLACK = 1;

export interface ProcessLoad {
  processId: string;
  roomCount: number;
}

/**
 * Chooses the process that creates a new room: processes take turns, in an
 * order every process agrees on, by a counter they share (one INCR); a process
 * more than `PLACEMENT_SLACK` rooms above the least loaded one passes its turn.
 *
 * Colyseus's default picks the process with the fewest rooms from counts each
 * process publishes at most once a second. A burst of rooms created together
 * (players arriving at several districts of a cluster that has just started)
 * reads the same counts, so every room lands on the same process. Turns spread
 * such a burst: n rooms created at once land on n different processes.
 */
export function spreadRoomsAcrossProcesses(
  presence: Presence,
  loads: () => Promise<ProcessLoad[]> = () => matchMaker.stats.fetchAll(),
): matchMaker.SelectProcessIdCallback {
  return async () => {
    const all = await loads();
    if (all.length === 0) return matchMaker.processId;
    if (all.length === 1) return all[0]!.processId;
    const order = [...all].sort((a, b) => (a.processId < b.processId ? -1 : 1));
    const limit = Math.min(...all.map((p) => p.roomCount)) + PLACEMENT_SLACK;
    const turn = await presence.incr(PLACEMENT_TURN_KEY);
    for (let k = 0; k < order.length; k++) {
      const p = order[(turn + k) % order.length]!;
      if (p.roomCount <= limit) return p.processId;
    }
    return order[0]!.processId; // unreachable: the least loaded is always within the limit
  };
}
