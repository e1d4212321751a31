import { Encoder, StateView } from "@colyseus/schema";

/**
 * Per-client patch encoding that costs what the client sees, not what the
 * whole room changed.
 *
 * @colyseus/schema encodes a StateView by walking every ChangeTree that
 * changed this patch and skipping those the view cannot see: with N clients
 * each holding a view, a patch costs N × (entities changed) visibility checks
 * even when every client sees a handful of entities. At 1,000 moving players
 * that walk is the largest single cost of the room (≈ 1 M checks per patch).
 *
 * Installed, each StateView also remembers which trees it made visible
 * (`markVisible` / `unmarkVisible`), and encoding a view walks only those
 * that changed, in the order of the room's change queue — exactly the trees
 * the stock walk would not skip, in the same order, through the same
 * emission code (`Encoder#encode` runs unchanged over a queue holding just
 * them). The bytes are identical; test/unit/aoi.test.ts checks that against
 * the stock path on random rooms.
 *
 * Whenever the shortcut cannot be sure — a changed tree that may inherit
 * visibility from its parent (nested collections without their own @view
 * tag), pending filter re-derivations, or internals that do not look like
 * the ones this was written against (@colyseus/schema 5.0.x) — it falls
 * back to the stock walk for that view and patch.
 */

interface TreeLike {
  root?: unknown;
  changesNode?: { position: number };
  isVisibilitySharedWithParent?: boolean;
  extraParents?: unknown;
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
}

const TREES = Symbol("mxo.viewTrees");

type EncodeFn = (this: Encoder, ...args: unknown[]) => Uint8Array;

let installed = false;
let enabled = true;
const stats = { fast: 0, stock: 0, slotted: 0 };

/** Scratch for one view's encode: trees picked, queue nodes (pooled), sort keys. */
const picked: TreeLike[] = [];
const nodePool: NodeLike[] = [];
/** The stand-in change queue one view's encode walks (encodes never overlap: one thread, not re-entrant). */
const viewQueue: ListLike = { next: undefined, tail: undefined, nextPosition: 0 };

/** A queue has a tree that may be visible through its parent: the shortcut would miss it. */
const lazyMemo = new WeakMap<
  ListLike,
  { head: NodeLike; tail: NodeLike; tailPosition: number; lazy: boolean }
>();
function hasInheritedVisibility(list: ListLike): boolean {
  const head = list.next!;
  const tail = list.tail!;
  const memo = lazyMemo.get(list);
  if (memo && memo.head === head && memo.tail === tail && memo.tailPosition === tail.position)
    return memo.lazy;
  let lazy = false;
  for (let n: NodeLike | undefined = head; n; n = n.next) {
    const t = n.changeTree;
    if (t.isVisibilitySharedWithParent || t.extraParents !== undefined) {
      lazy = true;
      break;
    }
  }
  lazyMemo.set(list, { head, tail, tailPosition: tail.position, lazy });
  return lazy;
}

/**
 * Patches @colyseus/schema's Encoder and StateView (once per process; later
 * calls do nothing). Returns false, changing nothing, if the internals are
 * not the expected ones.
 */
export function installViewEncoding(): boolean {
  if (installed) return true;
  const encoderProto = Encoder.prototype as unknown as { encode: EncodeFn };
  const viewProto = StateView.prototype as unknown as {
    markVisible: (this: ViewLike, tree: TreeLike) => void;
    unmarkVisible: (this: ViewLike, tree: TreeLike) => void;
    isVisible: unknown;
  };
  if (
    typeof encoderProto.encode !== "function" ||
    typeof viewProto.markVisible !== "function" ||
    typeof viewProto.unmarkVisible !== "function" ||
    typeof viewProto.isVisible !== "function"
  ) {
    return false;
  }
  const markVisible = viewProto.markVisible;
  const unmarkVisible = viewProto.unmarkVisible;
  const encode = encoderProto.encode;

  viewProto.markVisible = function (tree) {
    markVisible.call(this, tree);
    (this[TREES] ??= new Set()).add(tree);
  };
  viewProto.unmarkVisible = function (tree) {
    unmarkVisible.call(this, tree);
    this[TREES]?.delete(tree);
  };

  encoderProto.encode = function (this: Encoder, ...args: unknown[]): Uint8Array {
    const view = args[1] as ViewLike | undefined;
    if (view === undefined || !enabled) return encode.apply(this, args);
    const root = (this as unknown as { root: RootLike }).root;
    const list = root.changes;
    if (list && list.next === undefined) return encode.apply(this, args); // nothing changed: nothing to walk
    if (
      !list ||
      !list.tail ||
      typeof list.next?.position !== "number" ||
      (root.pendingFilterRefresh?.length ?? 0) > 0 ||
      hasInheritedVisibility(list)
    ) {
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
    const queue = viewQueue;
    queue.next = undefined;
    queue.nextPosition = list.nextPosition;
    let prev: NodeLike | undefined;
    for (let i = 0; i < n; i++) {
      const node = (nodePool[i] ??= { changeTree: picked[i]!, next: undefined, position: 0 });
      node.changeTree = picked[i]!;
      node.position = picked[i]!.changesNode!.position;
      node.next = undefined;
      if (prev) prev.next = node;
      else queue.next = node;
      prev = node;
    }
    queue.tail = prev;
    picked.length = 0;

    stats.fast++;
    root.changes = queue;
    try {
      return encode.apply(this, args);
    } finally {
      root.changes = list;
      for (let i = 0; i < n; i++) nodePool[i]!.changeTree = EMPTY_TREE;
      queue.next = queue.tail = undefined;
    }
  };
  installed = true;
  return true;
}

const EMPTY_TREE: TreeLike = {};

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

/** How many view encodes took the shortcut, how many the stock walk, how many ordered many trees by position (since start). */
export function viewEncodingStats(): { fast: number; stock: number; slotted: number } {
  return { ...stats };
}
