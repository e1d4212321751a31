import type { Client } from "@colyseus/core";
import type { Schema, StateView } from "@colyseus/schema";
import type { ViewRates } from "./viewEncoding.js";

/**
 * ClientViews' bookkeeping: the seats (clients), the crowd cells they stand
 * in, and the lookups between them.
 */

/** A client's own replicated entity: the centre of its view. */
export type Positioned = Schema & { x: number; y: number };

/** A StateView and the ids of the others it holds. */
export interface Holder {
  view: StateView;
  ids: Set<string>;
}

/** One client: its own view holds its own entity and `mine.ids`. */
export interface Seat {
  client: Client;
  id: string;
  own: Positioned;
  /** Its own view: the client's, except while it is attached to its cell's common view. */
  mine: Holder;
  cell: Cell | undefined;
  /** Whether what it sees follows its cell (else its own interest). */
  shared: boolean;
  /** Whether the client holds its cell's common view (else its own). */
  attached: boolean;
  rates: ViewRates | undefined;
  /** Placings inside a cell too sparse to share (it looks for a shared neighbour now and then). */
  looks: number;
}

/** A square of the district whose clients, once enough of them stand in it, all see the same set. */
export interface Cell {
  key: number;
  /** The interest manager's point observer at its centre. */
  observer: string;
  centre: { x: number; y: number };
  /** Its seats by session id. */
  seats: Map<string, Seat>;
  /** While shared: the one view its attached clients hold — near the cell's centre, and its own (not hidden) clients. */
  common: Holder | undefined;
  /** Shared seats still on their own view, made to hold the common set, until they can take the common view. */
  waiting: Set<Seat>;
  attached: number;
  /** Seats came or went since its set was last recomputed. */
  moved: boolean;
  rates: ViewRates | undefined;
  /** Staggers the cells' refreshes over the ticks. */
  turn: number;
}

/** A cell's key in ClientViews' map, from its grid coordinates. */
export function cellKey(cx: number, cy: number): number {
  return (cx + 32768) * 65536 + (cy + 32768);
}

/** The shared cell around (cx, cy) whose centre is nearest (x, y), within `half` of it on both axes. */
export function sharedNear(
  cells: ReadonlyMap<number, Cell>,
  x: number,
  y: number,
  cx: number,
  cy: number,
  half: number,
): Cell | undefined {
  let best: Cell | undefined;
  let bestD = Infinity;
  for (let dx = -1; dx <= 1; dx++) {
    for (let dy = -1; dy <= 1; dy++) {
      const c = cells.get(cellKey(cx + dx, cy + dy));
      if (!c?.common) continue;
      const ax = Math.abs(x - c.centre.x);
      const ay = Math.abs(y - c.centre.y);
      if (ax > half || ay > half || ax * ax + ay * ay >= bestD) continue;
      best = c;
      bestD = ax * ax + ay * ay;
    }
  }
  return best;
}

/** Whether the seat's own view holds the common set (its own entity aside). */
export function holdsSame(seat: Seat, common: Holder): boolean {
  const ids = seat.mine.ids;
  if (ids.size !== common.ids.size - (common.ids.has(seat.id) ? 1 : 0)) return false;
  for (const id of ids) if (!common.ids.has(id)) return false;
  return true;
}
