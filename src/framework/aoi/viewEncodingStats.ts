/**
 * The view encoding's switch and counters, kept apart from the encoder so
 * tests and metrics can read them without reaching into it. The encoder
 * reads `enabled` and bumps `stats` in place: no call on the hot path.
 */

/** Whether installed encoders take the shortcut (the switch below). */
export let enabled = true;
/** Counters since start, described at `viewEncodingStats`. */
export const stats = {
  fast: 0,
  stock: 0,
  slotted: 0,
  shared: 0,
  deferred: 0,
  catchUpEncoded: 0,
  catchUpSent: 0,
  viewsShared: 0,
};

/** Turns the shortcut off and on (tests compare both paths); the bookkeeping stays installed. */
export function setViewEncodingEnabled(on: boolean): void {
  enabled = on;
}

/**
 * Since start: view encodes that took the shortcut, that fell back to the
 * stock walk, that ordered many trees by position, entity patches copied
 * from another view's encode instead of encoded again, entity patches a view
 * deferred (update rates), and catch-ups encoded and sent (a deferred
 * entity's turn with more fields than its patch), and view encodes copied
 * whole from another view with the same share token and the same trees.
 */
export function viewEncodingStats(): {
  fast: number;
  stock: number;
  slotted: number;
  shared: number;
  deferred: number;
  catchUpEncoded: number;
  catchUpSent: number;
  viewsShared: number;
} {
  return { ...stats };
}
