import { $refId, encode as encodeValue, OPERATION } from "@colyseus/schema";
import type { PatchMemo } from "./patchMemo.js";
import type { EncoderLike, Iter, TreeLike } from "./schemaInternals.js";
import { stats } from "./viewEncodingStats.js";

/** The wire's "switch to structure" byte: the fields after it belong to the refId that follows it. */
const SWITCH_TO_STRUCTURE = 255;
/** Enough for one plain tree's header and a field (strings in plain trees are names and ids); checked per field. */
const FIELD_HEADROOM = 512;

/**
 * Writes a tree's catch-up — `mask`'s fields with their current values, the
 * way `Encoder#encodeView` writes a view's own changes (structure switch,
 * then one ADD per field) — encoding it once per patch and copying it into
 * every other view that needs the same fields of it.
 */
export function copyCatchUp(
  encoder: EncoderLike,
  memo: PatchMemo,
  t: TreeLike,
  mask: number,
  it: Iter,
  buffer: Uint8Array,
): Uint8Array {
  const refId = t.ref![$refId]!;
  if (refId >= memo.catchStamp.length) {
    const size = Math.max(refId + 1, memo.catchStamp.length * 2);
    const grow = (a: Int32Array) => {
      const b = new Int32Array(size);
      b.set(a);
      return b;
    };
    memo.catchStamp = grow(memo.catchStamp);
    memo.catchMask = grow(memo.catchMask);
    memo.catchStart = grow(memo.catchStart);
    memo.catchLength = grow(memo.catchLength);
  }
  let start = memo.catchStart[refId]!;
  let length = memo.catchLength[refId]!;
  if (memo.catchStamp[refId] !== memo.stamp || memo.catchMask[refId] !== mask) {
    const desc = t.encDescriptor!;
    const write = desc.encoder!;
    const at = { offset: memo.arenaOffset };
    let arena = encoder.ensureCapacity(memo.arena, at.offset + FIELD_HEADROOM);
    arena[at.offset++] = SWITCH_TO_STRUCTURE;
    encodeValue.number(arena, refId, at);
    for (let index = 0; index < 32; index++) {
      if ((mask & (1 << index)) === 0) continue;
      arena = encoder.ensureCapacity(arena, at.offset + FIELD_HEADROOM);
      write(encoder, arena, t, index, OPERATION.ADD, at, false, true, desc.metadata);
    }
    memo.arena = arena;
    start = memo.arenaOffset;
    length = at.offset - start;
    memo.arenaOffset = at.offset;
    memo.catchStamp[refId] = memo.stamp;
    memo.catchMask[refId] = mask;
    memo.catchStart[refId] = start;
    memo.catchLength[refId] = length;
    stats.catchUpEncoded++;
  }
  let o = it.offset;
  if (o + length > buffer.length) buffer = encoder.ensureCapacity(buffer, o + length);
  const arena = memo.arena;
  for (let k = 0; k < length; k++) buffer[o++] = arena[start + k]!;
  it.offset = o;
  stats.catchUpSent++;
  return buffer;
}
