import { $refId } from "@colyseus/schema";
import type { EncoderLike, ListLike, NodeLike, TreeLike } from "./schemaInternals.js";

/**
 * What an encoder learns about one patch and shares between the views it
 * encodes: plain trees' bytes encoded once, catch-ups, and which fields each
 * tree changed lately (for update rates). Kept per encoder and rebuilt on
 * the first view encode after `discardChanges`.
 */

/** Patches of field masks kept per tree: the longest wait between two turns. */
const HISTORY = 8;

/** What one patch (one encoder, between two `discardChanges`) has learned so far. */
export interface PatchMemo {
  generation: number;
  /** A changed tree may be visible through its parent: the shortcut would miss it. */
  lazy: boolean;
  /**
   * Plain trees' patch bytes, encoded once into `arena`, indexed by the
   * tree's change-queue position (unique within a patch): valid where
   * `segmentStamp` holds this memo's `stamp`.
   */
  segmentStamp: Int32Array;
  segmentStart: Int32Array;
  segmentLength: Int32Array;
  stamp: number;
  arena: Uint8Array;
  arenaOffset: number;
  /** Fields changed by each tree in the last HISTORY patches (update rates). */
  history: MaskHistory;
  /**
   * Catch-up segments of this patch (a deferred tree's turn: every field it
   * changed since its previous turn), by refId, encoded once and shared like
   * `segment*`: valid where `catchStamp` holds `stamp` and `catchMask` the same fields.
   */
  catchStamp: Int32Array;
  catchMask: Int32Array;
  catchStart: Int32Array;
  catchLength: Int32Array;
  /**
   * Each tree's position this patch, by refId (valid where `posStamp` holds
   * `stamp`): read once from the Schema instance (a getter per field) and
   * shared by every view that asks how far the tree is from its observer.
   */
  posStamp: Int32Array;
  posX: Float64Array;
  posY: Float64Array;
  /** This patch's whole-view encodes by share token (./viewRates.ts `setViewShare`), kept in `arena`. */
  shares: Map<object, SharedEncode>;
}

/** One view's encode offered to the others with its share token: valid for views holding exactly `trees` with `rates`. */
export interface SharedEncode {
  trees: Set<TreeLike>;
  rates: unknown;
  start: number;
  length: number;
}

/**
 * Per encoder, by refId: the field mask each Schema tree changed in each of
 * the last HISTORY patches (a ring), the last patch it changed in, and the
 * union of its masks over the HISTORY patches up to that one — so a view
 * asks "what did it change lately" in O(1), however many views ask.
 */
class MaskHistory {
  private masks = new Int32Array(HISTORY * 1024);
  private gens = new Int32Array(HISTORY * 1024).fill(-1);
  private last = new Int32Array(1024).fill(-HISTORY - 1);
  private union = new Int32Array(1024);

  record(refId: number, generation: number, mask: number): void {
    if (refId >= this.last.length) this.grow(refId);
    const base = refId * HISTORY;
    this.masks[base + (generation & (HISTORY - 1))] = mask;
    this.gens[base + (generation & (HISTORY - 1))] = generation;
    this.last[refId] = generation;
    let union = 0;
    for (let k = 0; k < HISTORY; k++)
      if (this.gens[base + k]! > generation - HISTORY) union |= this.masks[base + k]!;
    this.union[refId] = union;
  }

  /**
   * At least the fields `refId` changed in the `window` (≤ HISTORY) patches
   * up to and including `generation` — possibly a few from up to HISTORY
   * patches back, which costs a repeated field, never a missed one.
   */
  recent(refId: number, generation: number, window: number): number {
    if (refId >= this.last.length || this.last[refId]! <= generation - window) return 0;
    return this.union[refId]!;
  }

  private grow(refId: number): void {
    const size = Math.max(refId + 1, this.last.length * 2);
    const masks = new Int32Array(HISTORY * size);
    const gens = new Int32Array(HISTORY * size).fill(-1);
    const last = new Int32Array(size).fill(-HISTORY - 1);
    const union = new Int32Array(size);
    masks.set(this.masks);
    gens.set(this.gens);
    last.set(this.last);
    union.set(this.union);
    this.masks = masks;
    this.gens = gens;
    this.last = last;
    this.union = union;
  }
}

/** Patches each encoder has finished (the installed `discardChanges` counts them): a memo of an older one is void. */
export const generations = new WeakMap<object, number>();
const memos = new WeakMap<object, PatchMemo>();
/** Room kept free in the arena before a tree is encoded into it; a segment that long or longer is walked, not shared. */
export const ARENA_HEADROOM = 64 * 1024;
/** Segment length marking a tree walked for each view (not plain, or too big to share). */
export const WALK = -1;

/** The memo of `encoder`'s current patch, built on its first view encode from the change queue `list`. */
export function memoFor(encoder: EncoderLike, list: ListLike): PatchMemo {
  const generation = generations.get(encoder) ?? 0;
  let memo = memos.get(encoder);
  if (memo && memo.generation === generation) return memo;
  if (!memo) {
    memo = {
      generation,
      lazy: false,
      segmentStamp: new Int32Array(1024),
      segmentStart: new Int32Array(1024),
      segmentLength: new Int32Array(1024),
      stamp: 0,
      arena: new Uint8Array(ARENA_HEADROOM * 2),
      arenaOffset: 0,
      history: new MaskHistory(),
      catchStamp: new Int32Array(1024),
      catchMask: new Int32Array(1024),
      catchStart: new Int32Array(1024),
      catchLength: new Int32Array(1024),
      posStamp: new Int32Array(1024),
      posX: new Float64Array(1024),
      posY: new Float64Array(1024),
      shares: new Map(),
    };
    memos.set(encoder, memo);
  }
  // One pass over what changed: may anything inherit visibility (→ stock walk), and which fields did each tree change.
  let lazy = false;
  const history = memo.history;
  for (let n: NodeLike | undefined = list.next; n; n = n.next) {
    const t = n.changeTree;
    if (t.isVisibilitySharedWithParent || t.extraParents !== undefined) {
      lazy = true; // every view takes the stock walk this patch and hears everything: no history needed
      break;
    }
    const refId = t.ref?.[$refId];
    if (typeof t.dirtyLow === "number" && refId !== undefined) history.record(refId, generation, t.dirtyLow);
  }
  memo.generation = generation;
  memo.lazy = lazy;
  memo.stamp = (memo.stamp + 1) | 0 || 1;
  memo.arenaOffset = 0;
  memo.shares.clear();
  if (list.nextPosition > memo.segmentStamp.length) {
    const size = Math.max(list.nextPosition, memo.segmentStamp.length * 2);
    memo.segmentStamp = new Int32Array(size);
    memo.segmentStart = new Int32Array(size);
    memo.segmentLength = new Int32Array(size);
  }
  return memo;
}

/**
 * Where the tree with `refId` (its instance `ref`) is this patch, in
 * `out[0..1]` (NaN if it has no numeric position); read from the instance on
 * the first ask of the patch, from the memo after.
 */
export function positionOf(
  memo: PatchMemo,
  refId: number,
  ref: { x?: unknown; y?: unknown },
  out: Float64Array,
): void {
  if (refId >= memo.posStamp.length) {
    const size = Math.max(refId + 1, memo.posStamp.length * 2);
    const stamp = new Int32Array(size);
    stamp.set(memo.posStamp);
    const px = new Float64Array(size);
    px.set(memo.posX);
    const py = new Float64Array(size);
    py.set(memo.posY);
    memo.posStamp = stamp;
    memo.posX = px;
    memo.posY = py;
  }
  if (memo.posStamp[refId] !== memo.stamp) {
    const x = ref.x;
    const y = ref.y;
    memo.posX[refId] = typeof x === "number" ? x : NaN;
    memo.posY[refId] = typeof y === "number" ? y : NaN;
    memo.posStamp[refId] = memo.stamp;
  }
  out[0] = memo.posX[refId]!;
  out[1] = memo.posY[refId]!;
}
