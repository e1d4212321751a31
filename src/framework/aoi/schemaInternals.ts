import { $refId } from "@colyseus/schema";
import type { ViewRates } from "./viewRates.js";

/**
 * The parts of @colyseus/schema 5.0.x internals the view encoding reads and
 * writes, typed structurally: the package does not export them, and the
 * installer checks at run time that they still look like this before
 * patching anything (src/framework/aoi/installViewEncoding.ts).
 */

export interface DescriptorLike {
  filter?: unknown;
  [DEFERRABLE]?: boolean;
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
export interface TreeLike {
  root?: unknown;
  ref?: { x?: unknown; y?: unknown; [$refId]?: number };
  /** Bitmask of the fields (index < 32) that changed this patch. */
  dirtyLow?: number;
  /** Created since the last patch. */
  isNew?: boolean;
  changesNode?: { position: number };
  isVisibilitySharedWithParent?: boolean;
  extraParents?: unknown;
  isFiltered?: boolean;
  _isSchema?: boolean;
  encDescriptor?: DescriptorLike;
}
export interface NodeLike {
  changeTree: TreeLike;
  next?: NodeLike;
  position: number;
}
export interface ListLike {
  next?: NodeLike;
  tail?: NodeLike;
  nextPosition: number;
}
export interface RootLike {
  changes: ListLike;
  pendingFilterRefresh?: unknown[];
}
export interface ViewLike {
  isVisible(tree: TreeLike): boolean;
  [TREES]?: Set<TreeLike>;
  [RATES]?: ViewRates;
  /** Views given the same token (./viewRates.ts `setViewShare`) may share one encode when they hold the same trees. */
  [SHARE]?: object;
}
export interface Iter {
  offset: number;
}
export interface EncoderLike {
  root: RootLike;
  sharedBuffer: Uint8Array;
  ensureCapacity(buffer: Uint8Array, offset: number): Uint8Array;
}

/** What the installer adds to schema objects, under symbols so no field of the library can clash with it. */
export const TREES = Symbol("mxo.viewTrees");
export const RATES = Symbol("mxo.viewRates");
export const DEFERRABLE = Symbol("mxo.deferrable");
export const SHARE = Symbol("mxo.viewShare");
