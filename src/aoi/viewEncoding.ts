import { $refId, encode as encodeValue, Encoder, OPERATION, StateView } from "@colyseus/schema";

/**
 * Per-client patch encoding that costs what the client sees, not what the
 * whole room changed, and encodes each entity once per patch however many
 * clients see it.
 *
 * @colyseus/schema encodes a StateView by walking every ChangeTree that
 * changed this patch and skipping those the view cannot see: with N clients
 * each holding a view, a patch costs N × (entities changed) visibility checks
 * even when every client sees a handful of entities (≈ 1 M checks per patch
 * at 1,000 moving players). And an entity seen by K clients is encoded K
 * times, byte for byte the same each time (in a crowd, K ≈ the view cap).
 *
 * Installed:
 * - each StateView remembers which trees it made visible (`markVisible` /
 *   `unmarkVisible`), and encoding a view walks only those that changed, in
 *   the order of the room's change queue — exactly the trees the stock walk
 *   would not skip, in the same order;
 * - a "plain" entity (a Schema of primitive fields filtered through its
 *   parent collection, like PlayerState and NpcState) has its patch
 *   encoded once, the first time a view needs it, and copied into every other
 *   view that shows it; everything else goes through `Encoder#encode`
 *   unchanged, over a queue holding just those trees.
 *
 * The bytes each client receives are identical to the stock encoder's;
 * test/unit/aoi.test.ts checks that on random rooms — unless the view has
 * update rates (`setViewRates`): then a plain entity far from the observer
 * has its changes sent only every 2nd or n-th patch, and the fields it
 * changed meanwhile are owed to that view and sent, with their values at
 * that moment, on its next turn (so nothing is lost when it stops). Whenever the shortcut
 * cannot be sure — a changed tree that may inherit visibility from its
 * parent (nested collections without their own @view tag), pending filter
 * re-derivations, or internals that do not look like the ones this was
 * written against (@colyseus/schema 5.0.x) — it falls back to the stock
 * walk for that view and patch.
 */

interface DescriptorLike {
  filter?: unknown;
  /** Writes one field operation of a tree (op byte + value), as `encodeView` uses it. */
  encoder?: (
    encoder: unknown,
    bytes: Uint8Array,
    tree: TreeLike,
    index: number,
    operation: number,
    it: Iter,
    isEncodeAll: boolean,
    hasView: boolean,
    metadata: unknown,
  ) => void;
  metadata?: Record<number, { type?: unknown } | undefined>;
}
interface TreeLike {
  root?: unknown;
  ref?: { x?: unknown; y?: unknown; [$refId]?: number };
  /** Bitmask of the fields (index < 32) that changed this patch. */
  dirtyLow?: number;
  changesNode?: { position: number };
  isVisibilitySharedWithParent?: boolean;
  extraParents?: unknown;
  isFiltered?: boolean;
  _isSchema?: boolean;
  encDescriptor?: DescriptorLike;
}
interface NodeLike {
  changeTree: TreeLike;
  next?: NodeLike;
  position: number;
}
interface ListLike {
  next?: NodeLike;
  tail?: NodeLike;
  nextPosition: number;
}
interface RootLike {
  changes: ListLike;
  pendingFilterRefresh?: unknown[];
}
interface ViewLike {
  isVisible(tree: TreeLike): boolean;
  [TREES]?: Set<TreeLike>;
  [RATES]?: ViewRates;
  /** Plain trees whose skipped changes are still owed to this view → bitmask of the fields. */
  [OWED]?: Map<TreeLike, number>;
}
interface Iter {
  offset: number;
}
interface EncoderLike {
  root: RootLike;
  sharedBuffer: Uint8Array;
  ensureCapacity(buffer: Uint8Array, offset: number): Uint8Array;
}

const TREES = Symbol("mxo.viewTrees");
const RATES = Symbol("mxo.viewRates");
const OWED = Symbol("mxo.viewOwed");

/**
 * How often a view hears about entities by their distance from its observer:
 * within `fullRadius` every patch, within `halfRadius` every 2nd, beyond
 * every `farEvery`-th. The room keeps the radii current (they shrink with
 * the view in a crowd) — the encoder reads them at each patch.
 */
export interface ViewRates {
  /** The observer's own entity: its position is the centre, and it is always sent in full. */
  observer: { x: number; y: number };
  fullRadius: number;
  halfRadius: number;
  farEvery: number;
}

/** Gives a view distance-based update rates, or (undefined) sends everything every patch again. */
export function setViewRates(view: StateView, rates: ViewRates | undefined): void {
  const v = view as unknown as ViewLike;
  v[RATES] = rates;
  if (!rates) v[OWED] = undefined;
}

/** Patches between two updates of `ref` to a view with `rates` (1: every patch). */
function intervalFor(rates: ViewRates, ref: TreeLike["ref"]): number {
  if (ref === undefined || ref === (rates.observer as unknown)) return 1;
  const x = ref.x;
  const y = ref.y;
  if (typeof x !== "number" || typeof y !== "number") return 1;
  const dx = x - rates.observer.x;
  const dy = y - rates.observer.y;
  const d2 = dx * dx + dy * dy;
  if (d2 <= rates.fullRadius * rates.fullRadius) return 1;
  if (d2 <= rates.halfRadius * rates.halfRadius) return 2;
  return rates.farEvery;
}

type EncodeFn = (this: Encoder, ...args: unknown[]) => Uint8Array;

let installed = false;
let enabled = true;
const stats = { fast: 0, stock: 0, slotted: 0, shared: 0, deferred: 0, owedSent: 0 };

/** What one patch (one encoder, between two `discardChanges`) has learned so far. */
interface PatchMemo {
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
}

const generations = new WeakMap<object, number>();
const memos = new WeakMap<object, PatchMemo>();
const ARENA_HEADROOM = 64 * 1024;
/** Segment length marking a tree walked for each view (not plain, or too big to share). */
const WALK = -1;

function memoFor(encoder: EncoderLike, list: ListLike): PatchMemo {
  const generation = generations.get(encoder) ?? 0;
  let memo = memos.get(encoder);
  if (memo && memo.generation === generation) return memo;
  let lazy = false;
  for (let n: NodeLike | undefined = list.next; n; n = n.next) {
    const t = n.changeTree;
    if (t.isVisibilitySharedWithParent || t.extraParents !== undefined) {
      lazy = true;
      break;
    }
  }
  if (!memo) {
    memo = {
      generation,
      lazy,
      segmentStamp: new Int32Array(1024),
      segmentStart: new Int32Array(1024),
      segmentLength: new Int32Array(1024),
      stamp: 0,
      arena: new Uint8Array(ARENA_HEADROOM * 2),
      arenaOffset: 0,
    };
    memos.set(encoder, memo);
  }
  memo.generation = generation;
  memo.lazy = lazy;
  memo.stamp = (memo.stamp + 1) | 0 || 1;
  memo.arenaOffset = 0;
  if (list.nextPosition > memo.segmentStamp.length) {
    const size = Math.max(list.nextPosition, memo.segmentStamp.length * 2);
    memo.segmentStamp = new Int32Array(size);
    memo.segmentStart = new Int32Array(size);
    memo.segmentLength = new Int32Array(size);
  }
  return memo;
}

/** Schema classes whose fields are all primitives (no child refs): their patch bytes do not depend on the view. */
const plainDescriptors = new WeakMap<DescriptorLike, boolean>();
function isPlain(t: TreeLike): boolean {
  if (t._isSchema !== true || t.isFiltered !== true) return false;
  const desc = t.encDescriptor;
  if (!desc || desc.filter !== undefined) return false;
  let plain = plainDescriptors.get(desc);
  if (plain === undefined) {
    plain = desc.metadata !== undefined;
    if (desc.metadata) {
      for (const key of Object.keys(desc.metadata)) {
        const field = desc.metadata[Number(key)];
        if (field && typeof field === "object" && "type" in field && !isPrimitiveType(field.type))
          plain = false;
      }
    }
    plainDescriptors.set(desc, plain);
  }
  return plain;
}

/** A primitive field type: a name like "float32", or a quantized number (`{ quantized }`, a number on the wire). */
function isPrimitiveType(type: unknown): boolean {
  if (typeof type === "string") return true;
  return typeof type === "object" && type !== null && "quantized" in type && Object.keys(type).length === 1;
}

/** Scratch for one view's encode: trees picked, queue nodes (pooled). */
const picked: TreeLike[] = [];
const nodePool: NodeLike[] = [];
/** The stand-in change queue the stock walk runs over (encodes never overlap: one thread, not re-entrant). */
const viewQueue: ListLike = { next: undefined, tail: undefined, nextPosition: 0 };
const EMPTY_TREE: TreeLike = {};

/**
 * Patches @colyseus/schema's Encoder and StateView (once per process; later
 * calls do nothing). Returns false, changing nothing, if the internals are
 * not the expected ones.
 */
export function installViewEncoding(): boolean {
  if (installed) return true;
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

    // The view's visible trees that changed this patch, in queue order.
    let n = 0;
    const trees = view[TREES];
    if (trees) {
      for (const t of trees) {
        if (t.root !== root || !view.isVisible(t)) {
          trees.delete(t); // detached, recycled or hidden since: forget it
          continue;
        }
        if (t.changesNode !== undefined) picked[n++] = t;
      }
    }
    queueOrder(n);
    stats.fast++;

    const it = args[0] as Iter;
    let buffer = (args[2] as Uint8Array | undefined) ?? self.sharedBuffer;
    const rates = view[RATES];
    const owed = rates !== undefined ? (view[OWED] ??= new Map()) : undefined;
    try {
      let i = 0;
      while (i < n) {
        const t = picked[i]!;
        if (owed !== undefined && canDefer(t)) {
          const mask = t.dirtyLow!;
          if (!isDue(rates!, t, memo.generation)) {
            // Not this one's turn: what it changed is owed, sent with its values of that patch.
            owed.set(t, (owed.get(t) ?? 0) | mask);
            stats.deferred++;
            i++;
            continue;
          }
          const due = owed.get(t);
          if (due !== undefined) owed.set(t, due & ~mask); // the fields sent below need no repeat
        }
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
      if (owed !== undefined && owed.size > 0)
        buffer = payOwed(self, view, owed, root, memo.generation, it, buffer);
      return buffer.subarray(0, it.offset);
    } finally {
      picked.length = 0;
    }
  };
  installed = true;
  return true;
}

/** A plain tree whose changed fields this encoder can tell (bitmask) and write itself: one a view may defer. */
function canDefer(t: TreeLike): boolean {
  return typeof t.dirtyLow === "number" && typeof t.encDescriptor?.encoder === "function" && isPlain(t);
}

/** Whether `t` is sent to a view with `rates` at this patch; turns are staggered by refId. */
function isDue(rates: ViewRates, t: TreeLike, generation: number): boolean {
  const every = intervalFor(rates, t.ref);
  return every <= 1 || (generation + (t.ref?.[$refId] ?? 0)) % every === 0;
}

const SWITCH_TO_STRUCTURE = 255;
/** Enough for one plain tree's header and every field (≤ 32 fields of ≤ 9 bytes, strings excepted: grown per field). */
const OWED_HEADROOM = 512;

/**
 * Sends a view the fields it is owed by trees whose turn it is, with their
 * current values, the way `Encoder#encodeView` writes a view's own changes
 * (structure switch, then one ADD per field); forgets what is detached or
 * left the view (a client never hears of a refId it does not hold).
 */
function payOwed(
  encoder: EncoderLike,
  view: ViewLike,
  owed: Map<TreeLike, number>,
  root: RootLike,
  generation: number,
  it: Iter,
  buffer: Uint8Array,
): Uint8Array {
  const trees = view[TREES];
  const rates = view[RATES]!;
  for (const [t, mask] of owed) {
    if (mask === 0 || t.root !== root || !trees?.has(t) || !view.isVisible(t)) {
      owed.delete(t);
      continue;
    }
    if (!isDue(rates, t, generation)) continue;
    owed.delete(t);
    const desc = t.encDescriptor!;
    const write = desc.encoder!;
    buffer = encoder.ensureCapacity(buffer, it.offset + OWED_HEADROOM);
    buffer[it.offset++] = SWITCH_TO_STRUCTURE;
    encodeValue.number(buffer, t.ref![$refId]!, it);
    for (let index = 0; index < 32; index++) {
      if ((mask & (1 << index)) === 0) continue;
      buffer = encoder.ensureCapacity(buffer, it.offset + OWED_HEADROOM);
      write(encoder, buffer, t, index, OPERATION.ADD, it, false, true, desc.metadata);
    }
    stats.owedSent++;
  }
  return buffer;
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

/** Turns the shortcut off and on (tests compare both paths); the bookkeeping stays installed. */
export function setViewEncodingEnabled(on: boolean): void {
  enabled = on;
}

/**
 * Since start: view encodes that took the shortcut, that fell back to the
 * stock walk, that ordered many trees by position, entity patches copied
 * from another view's encode instead of encoded again, entity patches a view
 * deferred (update rates) and owed fields sent later.
 */
export function viewEncodingStats(): {
  fast: number;
  stock: number;
  slotted: number;
  shared: number;
  deferred: number;
  owedSent: number;
} {
  return { ...stats };
}
