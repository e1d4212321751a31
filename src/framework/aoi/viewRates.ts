import type { StateView } from "@colyseus/schema";
import { RATES, SHARE, type TreeLike, type ViewLike } from "./schemaInternals.js";

/**
 * How often a view hears about entities by their distance from its observer:
 * within `fullRadius` every patch, within `halfRadius` every 2nd, beyond
 * every `farEvery`-th (2, 4 or 8: a power of two, so a turn under
 * `farEvery` is a turn under 2 as well and no entity waits longer than
 * `farEvery` patches whatever band it moves through). The room keeps the
 * radii current (they shrink with the view in a crowd); the encoder reads
 * them at each patch.
 */
export interface ViewRates {
  /** The observer's own entity: its position is the centre, and it is always sent in full. */
  observer: { x: number; y: number };
  /** Entities sent every patch wherever they are (e.g. every client's own, in a view several clients share). */
  always?: ReadonlySet<unknown>;
  fullRadius: number;
  halfRadius: number;
  farEvery: number;
}

/** Gives a view distance-based update rates, or (undefined) sends everything every patch again. */
export function setViewRates(view: StateView, rates: ViewRates | undefined): void {
  if (rates && !FAR_EVERY.includes(rates.farEvery)) throw new Error("farEvery must be 2, 4 or 8");
  (view as unknown as ViewLike)[RATES] = rates;
}

const FAR_EVERY = [2, 4, 8];

/**
 * Lets views share one encode per patch: views given the same `token` (e.g.
 * the clients of one crowded cell) whose visible trees are the same set and
 * whose rates are the same object get the first one's bytes copied instead
 * of encoding their own. A view whose set differs (joined late, hides a GM)
 * simply encodes itself: the token is a hint, never trusted for what it holds.
 */
export function setViewShare(view: StateView, token: object | undefined): void {
  (view as unknown as ViewLike)[SHARE] = token;
}

/** Patches between two updates of `ref` to a view with `rates` (1: every patch). */
export function intervalFor(rates: ViewRates, ref: TreeLike["ref"], ox: number, oy: number): number {
  if (ref === undefined) return 1;
  const x = ref.x;
  const y = ref.y;
  if (typeof x !== "number" || typeof y !== "number") return 1;
  return intervalAt(rates, ref, x, y, ox, oy);
}

/** `intervalFor` with the position already read (NaN: none, every patch). */
export function intervalAt(
  rates: ViewRates,
  ref: TreeLike["ref"],
  x: number,
  y: number,
  ox: number,
  oy: number,
): number {
  if (ref === (rates.observer as unknown) || x !== x || y !== y) return 1;
  if (rates.always !== undefined && rates.always.has(ref)) return 1;
  const dx = x - ox;
  const dy = y - oy;
  const d2 = dx * dx + dy * dy;
  if (d2 <= rates.fullRadius * rates.fullRadius) return 1;
  if (d2 <= rates.halfRadius * rates.halfRadius) return 2;
  return rates.farEvery;
}
