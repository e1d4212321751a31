import { $refId, Encoder, StateView } from "@colyseus/schema";
import { intervalAt } from "./viewRates.js";
import { enabled, stats } from "./viewEncodingStats.js";
import { canDefer, isPlain } from "./plainTrees.js";
import { copyCatchUp } from "./catchUp.js";
import { installQuietPatches } from "./quietPatches.js";
import { ARENA_HEADROOM, generations, memoFor, positionOf, WALK, type PatchMemo } from "./patchMemo.js";
import {
  RATES,
  SHARE,
  TREES,
  type EncoderLike,
  type Iter,
  type ListLike,
  type NodeLike,
  type RootLike,
  type TreeLike,
  type ViewLike,
} from "./schemaInternals.js";

/**
 * Installs the view encoding described in ./viewEncoding.ts: patches
 * StateView to remember what it shows, and Encoder#encode to walk only that,
 * sharing plain trees' bytes between views (./patchMemo.ts) and applying
 * update rates (./viewRates.ts, ./catchUp.ts).
 */

type EncodeFn = (this: Encoder, ...args: unknown[]) => Uint8Array;

let installed = false;

/** Scratch for one view's encode: trees picked, queue nodes (pooled). */
const picked: TreeLike[] = [];
const catchUps: TreeLike[] = [];
const catchMasks: number[] = [];
const nodePool: NodeLike[] = [];
/** The stand-in change queue the stock walk runs over (encodes never overlap: one thread, not re-entrant). */
const viewQueue: ListLike = { next: undefined, tail: undefined, nextPosition: 0 };
const EMPTY_TREE: TreeLike = {};
/** A tree's position as the memo gives it (x, y). */
const at2 = new Float64Array(2);

/**
 * Patches @colyseus/schema's Encoder and StateView (once per process; later
 * calls do nothing). Returns false, changing nothing, if the internals are
 * not the expected ones.
 */
export function installViewEncoding(): boolean {
  if (installed) return true;
  installQuietPatches(); // no empty frames (./quietPatches.ts): apart from the view encoding, installed with it
  const encoderProto = Encoder.prototype as unknown as {
    encode: EncodeFn;
    discardChanges: (this: Encoder) => void;
    ensureCapacity?: unknown;
  };
  const viewProto = StateView.prototype as unknown as {
    markVisible: (this: ViewLike, tree: TreeLike) => void;
    unmarkVisible: (this: ViewLike, tree: TreeLike) => void;
    isVisible: unknown;
  };
  if (
    typeof encoderProto.encode !== "function" ||
    typeof encoderProto.discardChanges !== "function" ||
    typeof encoderProto.ensureCapacity !== "function" ||
    typeof viewProto.markVisible !== "function" ||
    typeof viewProto.unmarkVisible !== "function" ||
    typeof viewProto.isVisible !== "function"
  ) {
    return false;
  }
  const markVisible = viewProto.markVisible;
  const unmarkVisible = viewProto.unmarkVisible;
  const encode = encoderProto.encode;
  const discardChanges = encoderProto.discardChanges;

  viewProto.markVisible = function (tree) {
    markVisible.call(this, tree);
    (this[TREES] ??= new Set()).add(tree);
  };
  viewProto.unmarkVisible = function (tree) {
    unmarkVisible.call(this, tree);
    this[TREES]?.delete(tree);
  };
  // A patch ends when the room discards its changes: what was learned about it is void.
  encoderProto.discardChanges = function (this: Encoder) {
    generations.set(this, (generations.get(this) ?? 0) + 1);
    return discardChanges.call(this);
  };

  /** Runs the stock walk over picked[from..to) with `view`, at it.offset in `buffer`; returns the buffer (maybe grown). */
  function walk(
    self: Encoder,
    root: RootLike,
    list: ListLike,
    view: ViewLike,
    it: Iter,
    buffer: Uint8Array,
    from: number,
    to: number,
  ): Uint8Array {
    const queue = viewQueue;
    queue.next = undefined;
    queue.nextPosition = list.nextPosition;
    let prev: NodeLike | undefined;
    for (let i = from, k = 0; i < to; i++, k++) {
      const t = picked[i]!;
      const node = (nodePool[k] ??= { changeTree: t, next: undefined, position: 0 });
      node.changeTree = t;
      node.position = t.changesNode!.position;
      node.next = undefined;
      if (prev) prev.next = node;
      else queue.next = node;
      prev = node;
    }
    queue.tail = prev;
    root.changes = queue;
    try {
      const out = encode.call(self, it, view, buffer, it.offset);
      // The stock encoder grows its buffer on overflow (and re-encodes); keep writing into the grown one.
      return out.buffer === buffer.buffer ? buffer : new Uint8Array(out.buffer);
    } finally {
      root.changes = list;
      for (let k = 0; k < to - from; k++) nodePool[k]!.changeTree = EMPTY_TREE;
      queue.next = queue.tail = undefined;
    }
  }

  encoderProto.encode = function (this: Encoder, ...args: unknown[]): Uint8Array {
    const view = args[1] as ViewLike | undefined;
    if (view === undefined || !enabled) return encode.apply(this, args);
    const self = this as unknown as EncoderLike;
    const root = self.root;
    const list = root.changes;
    if (list && list.next === undefined) return encode.apply(this, args); // nothing changed: nothing to walk
    if (
      !list ||
      !list.tail ||
      typeof list.next?.position !== "number" ||
      (root.pendingFilterRefresh?.length ?? 0) > 0 ||
      args[0] === undefined
    ) {
      stats.stock++;
      return encode.apply(this, args);
    }
    const memo = memoFor(self, list);
    if (memo.lazy) {
      stats.stock++;
      return encode.apply(this, args);
    }

    const it = args[0] as Iter;
    let buffer = (args[2] as Uint8Array | undefined) ?? self.sharedBuffer;
    const from = it.offset;
    const share = view[SHARE];
    if (share !== undefined) {
      // Another view with the same token, trees and rates was encoded this patch: its bytes are this view's.
      const hit = memo.shares.get(share);
      if (hit !== undefined && hit.rates === view[RATES] && sameTrees(hit.trees, view[TREES])) {
        if (from + hit.length > buffer.length) buffer = self.ensureCapacity(buffer, from + hit.length);
        buffer.set(memo.arena.subarray(hit.start, hit.start + hit.length), from);
        it.offset = from + hit.length;
        stats.viewsShared++;
        return buffer.subarray(0, it.offset);
      }
    }

    // The view's visible trees that changed this patch, in queue order; with
    // update rates, only those whose turn it is, and apart (catchUps) those
    // that owe the view more fields than they changed this patch.
    let n = 0;
    let c = 0;
    const trees = view[TREES];
    const rates = view[RATES];
    const ox = rates?.observer.x ?? 0;
    const oy = rates?.observer.y ?? 0;
    if (trees) {
      for (const t of trees) {
        if (t.root !== root) {
          trees.delete(t); // detached since: forget it
          continue;
        }
        const changed = t.changesNode !== undefined;
        // A tree created this patch reaches views only through this walk (view.add queues no fields for it): never deferred.
        if (rates === undefined || t.isNew === true || !canDefer(t)) {
          if (changed) {
            // Visibility is asked only of what would be sent: most of a view's trees are quiet or not due.
            if (!view.isVisible(t))
              trees.delete(t); // recycled or hidden since: forget it
            else picked[n++] = t;
          }
          continue;
        }
        const refId = t.ref![$refId]!;
        // Positions come from the patch's memo: a Schema field read is a getter, and every view in a crowd asks for the same ones.
        positionOf(memo, refId, t.ref!, at2);
        const every = intervalAt(rates, t.ref, at2[0]!, at2[1]!, ox, oy);
        if (every > 1 && (memo.generation + refId) % every !== 0) {
          if (changed) stats.deferred++;
          continue;
        }
        // Its turn: everything it changed since its previous one (at most farEvery patches ago).
        const owed = memo.history.recent(refId, memo.generation, rates.farEvery);
        const fresh = changed ? t.dirtyLow! : 0;
        if (!changed && owed === 0) continue; // nothing to send it
        if (!view.isVisible(t)) {
          trees.delete(t);
          continue;
        }
        if ((owed & ~fresh) === 0) {
          if (changed) picked[n++] = t;
        } else {
          catchUps[c] = t;
          catchMasks[c++] = owed | fresh;
        }
      }
    }
    queueOrder(n);
    stats.fast++;

    try {
      let i = 0;
      while (i < n) {
        const t = picked[i]!;
        const position = t.changesNode!.position;
        let start = 0;
        let length = WALK;
        if (position < memo.segmentStamp.length) {
          if (memo.segmentStamp[position] === memo.stamp) {
            start = memo.segmentStart[position]!;
            length = memo.segmentLength[position]!;
            if (length >= 0) stats.shared++;
          } else if (isPlain(t)) {
            // First view to show it this patch: encode it alone into the arena.
            if (memo.arenaOffset + ARENA_HEADROOM > memo.arena.length) {
              const grown = new Uint8Array(
                Math.max(memo.arena.length * 2, memo.arenaOffset + ARENA_HEADROOM * 2),
              );
              grown.set(memo.arena.subarray(0, memo.arenaOffset));
              memo.arena = grown;
            }
            start = memo.arenaOffset;
            const at = { offset: start };
            memo.arena = walk(this, root, list, view, at, memo.arena, i, i + 1);
            length = at.offset - start;
            memo.arenaOffset = at.offset;
            if (length >= ARENA_HEADROOM) length = WALK;
            memo.segmentStamp[position] = memo.stamp;
            memo.segmentStart[position] = start;
            memo.segmentLength[position] = length;
          } else {
            memo.segmentStamp[position] = memo.stamp;
            memo.segmentLength[position] = WALK; // depends on the view: walked for each
          }
        }
        if (length === WALK) {
          buffer = walk(this, root, list, view, it, buffer, i, i + 1);
        } else {
          let o = it.offset;
          if (o + length > buffer.length) buffer = self.ensureCapacity(buffer, o + length);
          const arena = memo.arena;
          for (let k = 0; k < length; k++) buffer[o++] = arena[start + k]!;
          it.offset = o;
        }
        i++;
      }
      // After everything else, so a tree the patch adds to a collection is introduced before its fields.
      for (let k = 0; k < c; k++) buffer = copyCatchUp(self, memo, catchUps[k]!, catchMasks[k]!, it, buffer);
      if (share !== undefined && trees !== undefined && !memo.shares.has(share))
        offerShare(memo, share, trees, rates, buffer, from, it.offset);
      return buffer.subarray(0, it.offset);
    } finally {
      picked.length = 0;
      catchUps.length = 0;
    }
  };
  installed = true;
  return true;
}

/** Positions → trees, for putting many picked trees back in queue order without a comparison sort. */
const slots: (TreeLike | undefined)[] = [];

/**
 * Puts `picked[0..n)` in change-queue order (node positions strictly
 * increase along the queue): an insertion sort for a few trees, otherwise
 * a pass over the positions they span.
 */
function queueOrder(n: number): void {
  if (n <= 16) {
    for (let i = 1; i < n; i++) {
      const t = picked[i]!;
      const p = t.changesNode!.position;
      let j = i - 1;
      while (j >= 0 && picked[j]!.changesNode!.position > p) {
        picked[j + 1] = picked[j]!;
        j--;
      }
      picked[j + 1] = t;
    }
    return;
  }
  stats.slotted++;
  let min = Infinity;
  let max = -1;
  for (let i = 0; i < n; i++) {
    const p = picked[i]!.changesNode!.position;
    slots[p] = picked[i];
    if (p < min) min = p;
    if (p > max) max = p;
  }
  let k = 0;
  for (let p = min; p <= max; p++) {
    const t = slots[p];
    if (t !== undefined) {
      picked[k++] = t;
      slots[p] = undefined;
    }
  }
}

/** Whether two views hold exactly the same trees (what a shared encode requires). */
function sameTrees(a: Set<TreeLike>, b: Set<TreeLike> | undefined): boolean {
  if (b === undefined || a.size !== b.size) return false;
  for (const t of b) if (!a.has(t)) return false;
  return true;
}

/** Keeps a view's encode (buffer[from..to)) in the memo's arena for the other views with its share token. */
function offerShare(
  memo: PatchMemo,
  share: object,
  trees: Set<TreeLike>,
  rates: unknown,
  buffer: Uint8Array,
  from: number,
  to: number,
): void {
  const length = to - from;
  if (memo.arenaOffset + length > memo.arena.length) {
    const grown = new Uint8Array(Math.max(memo.arena.length * 2, memo.arenaOffset + length + ARENA_HEADROOM));
    grown.set(memo.arena.subarray(0, memo.arenaOffset));
    memo.arena = grown;
  }
  memo.arena.set(buffer.subarray(from, to), memo.arenaOffset);
  memo.shares.set(share, { trees, rates, start: memo.arenaOffset, length });
  memo.arenaOffset += length;
}
