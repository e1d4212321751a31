import type { StateView } from "@colyseus/schema";
import { TREES, type TreeLike, type ViewLike } from "./schemaInternals.js";

/** The StateView internals a copy touches (@colyseus/schema 5.0.x; the view encoding checks them on install). */
interface ViewInternals extends ViewLike {
  markVisible(tree: TreeLike): void;
  unmarkVisible(tree: TreeLike): void;
  changes: Map<unknown, Map<unknown, unknown>>;
}

/**
 * Makes `into` hold exactly what `from` holds: the same visible trees and
 * the same changes not yet sent. For a client that leaves a view it shared
 * with others: its own view takes over where the shared one left off, so
 * the client is neither sent again what it has nor misses what the shared
 * view still owed it.
 *
 * Relies on the view encoding being installed (views remember the trees
 * they made visible: `TREES`) and on views holding default-tag adds only,
 * as ClientViews makes them; returns false, changing nothing, otherwise.
 */
export function copyView(into: StateView, from: StateView): boolean {
  const dst = into as unknown as ViewInternals;
  const src = from as unknown as ViewInternals;
  const have = dst[TREES];
  const want = src[TREES];
  if (have === undefined || want === undefined) return false;
  for (const t of have) if (!src.isVisible(t)) dst.unmarkVisible(t); // the hook drops it from `have`
  for (const t of want) if (src.isVisible(t) && !dst.isVisible(t)) dst.markVisible(t);
  dst.changes.clear();
  for (const [ref, ops] of src.changes) dst.changes.set(ref, new Map(ops));
  return true;
}
