import { ClientState, Protocol, ProtocolModifier, SchemaSerializer } from "@colyseus/core";
import { $changes, $refId, encode as encodeValue, Encoder, OPERATION } from "@colyseus/schema";
import type { EncoderLike, Iter, TreeLike } from "./schemaInternals.js";

/**
 * No empty frames: a client whose view has nothing new in a patch is sent
 * nothing. Stock Colyseus 0.18 sends every joined client a frame every patch
 * interval: a bare header (a "heartbeat" with the room's time and the
 * client's input ack, in rooms that take input) when nothing changed, and
 * the shared part alone when only other clients' views changed. At 20 Hz
 * that is a socket write per client per patch for nothing.
 *
 * The shared part (fields no view filters) is everyone's news, so a frame
 * with only that would still go to everyone — yet what changes in it every
 * patch is usually the root's own counters (a game's tick). When the shared
 * part holds nothing but the root's own fields, a client with nothing else
 * new skips the frame and owes those fields: its next frame carries the
 * shared part of its patch and, after its view's changes, the owed fields
 * not in that part with their current values (a counter that moves every
 * patch is always in it; a field that changed once is written again).
 * Anything else in the shared part (another unfiltered tree) goes to every
 * client, as stock Colyseus sends it. The SDK expects gaps: its clock and
 * interpolation treat an idle stretch as one (`setPatchInterval`), and a
 * client's input ack rides the next frame, which its consumed input causes
 * whenever the input changes its player.
 */

interface ClientLike {
  state: number;
  view?: ViewLike;
  _inputBuffer?: { ackSeq?: number };
  raw(data: Uint8Array): void;
}
interface ViewLike {
  changes: Map<unknown, unknown>;
}
interface SerializerLike {
  encoder: EncoderLike & {
    hasChanges: boolean;
    state: { [$changes]: TreeLike };
    encode(it: Iter): Uint8Array;
    encodeView(view: ViewLike, sharedOffset: number, it: Iter): Uint8Array;
    discardChanges(): void;
  };
  hasFilters: boolean;
  needFullEncode: boolean;
  [OWED]?: Map<ClientLike, number>;
}
type ApplyPatches = (
  this: SerializerLike,
  clients: ClientLike[],
  state: unknown,
  timing?: { sNow: number },
) => boolean;

/**
 * Per room (serializer): the root fields each client skipped while they
 * changed (bitmask of field indexes < 32), for the clients that owe any — a
 * map, so that a patch where nobody owes anything costs a size check per
 * frame sent.
 */
const OWED = Symbol("mxo.owedRootFields");
const SWITCH_TO_STRUCTURE = 255;
const TIMED_PREFIX = 8;
/** Stands for "no view" in the per-patch cache, as stock Colyseus does. */
const NO_VIEW = {} as ViewLike;

/** Since start: patch frames sent, skipped for having nothing new, and frames that carried owed root fields. */
export const quietPatchStats = { sent: 0, skipped: 0, owedSent: 0 };

let installed = false;

/**
 * Replaces SchemaSerializer#applyPatches for rooms with views (once per
 * process). Rooms without views keep the stock path, minus the empty
 * heartbeat. Returns false, changing nothing, if the internals are not the
 * expected ones.
 */
export function installQuietPatches(): boolean {
  if (installed) return true;
  const proto = SchemaSerializer.prototype as unknown as { applyPatches: ApplyPatches };
  const stock = proto.applyPatches;
  if (
    typeof stock !== "function" ||
    typeof (Encoder.prototype as { encodeView?: unknown }).encodeView !== "function"
  ) {
    return false;
  }
  const bodies = new Map<ViewLike, Uint8Array>();

  proto.applyPatches = function (clients, state, timing) {
    const encoder = this.encoder;
    if (clients.length === 0) return stock.call(this, clients, state, timing);
    if (!encoder.hasChanges) {
      // Only views changed (entities added or removed): those clients have news, nobody else.
      if (this.hasFilters) {
        encoder.sharedBuffer[0] = Protocol.ROOM_STATE_PATCH;
        // A view several clients hold (a crowd cell's) is encoded once: encoding empties its changes.
        try {
          for (const c of clients) {
            const view = c.view;
            if (c.state !== ClientState.JOINED || view === undefined) continue;
            let body = bodies.get(view);
            if (body === undefined) {
              if (view.changes.size === 0) continue;
              body = encoder.encodeView(view, 1, { offset: 1 });
              bodies.set(view, body);
            }
            send(encoder, (this[OWED] ??= new Map()), c, body, 0, timing);
          }
        } finally {
          bodies.clear();
          flush();
        }
      }
      return false;
    }
    if (!this.hasFilters) return stock.call(this, clients, state, timing);

    this.needFullEncode = true;
    const it = { offset: 1 };
    encoder.sharedBuffer[0] = Protocol.ROOM_STATE_PATCH;
    const shared = encoder.encode(it);
    const sharedOffset = it.offset;
    const root = encoder.state[$changes];
    const rootFields = root.changesNode !== undefined ? (root.dirtyLow ?? 0) & ~filterMask(root) : 0;
    let ambient: boolean | undefined; // the shared part holds only the root's own fields (computed on first need)
    const owedBy = (this[OWED] ??= new Map());
    if (owedBy.size > clients.length) {
      for (const c of owedBy.keys()) if (c.state !== ClientState.JOINED) owedBy.delete(c); // gone meanwhile
    }
    try {
      for (let i = clients.length; i--;) {
        const c = clients[i]!;
        if (c.state !== ClientState.JOINED) continue;
        const view = c.view ?? NO_VIEW;
        let body = bodies.get(view);
        if (body === undefined) {
          body = view === NO_VIEW ? shared : encoder.encodeView(view, sharedOffset, it);
          bodies.set(view, body);
        }
        if (body.length === sharedOffset) {
          ambient ??= sharedIsRootOnly(encoder, root);
          if (sharedOffset === 1 || ambient) {
            if (rootFields !== 0) owedBy.set(c, (owedBy.get(c) ?? 0) | rootFields);
            quietPatchStats.skipped++;
            continue;
          }
        }
        send(encoder, owedBy, c, body, rootFields, timing);
      }
    } finally {
      bodies.clear();
      flush();
    }
    encoder.discardChanges();
    return true;
  };
  installed = true;
  return true;
}

/** Sends `body` (header + shared part + view part) to `c`, with the root fields it owes that `body` lacks. */
function send(
  encoder: SerializerLike["encoder"],
  owedBy: Map<ClientLike, number>,
  c: ClientLike,
  body: Uint8Array,
  inBody: number,
  timing: { sNow: number } | undefined,
): void {
  let extra: Uint8Array | undefined;
  if (owedBy.size !== 0) {
    const owed = (owedBy.get(c) ?? 0) & ~inBody;
    owedBy.delete(c);
    if (owed !== 0) {
      extra = rootCatchUp(encoder, owed);
      quietPatchStats.owedSent++;
    }
  }
  const prefix = timing ? TIMED_PREFIX : 0;
  const frame =
    prefix === 0 && extra === undefined
      ? body
      : Buffer.allocUnsafe(body.length + prefix + (extra?.length ?? 0));
  if (frame !== body) {
    frame[0] = body[0]! | (timing ? ProtocolModifier.TIMED : 0);
    const at = { offset: 1 };
    if (timing) {
      // As stock Colyseus stamps it: the room's time and the last input it processed for this client.
      encodeValue.uint32(frame, timing.sNow >>> 0, at);
      encodeValue.uint32(frame, (c._inputBuffer?.ackSeq ?? 0) >>> 0, at);
    }
    frame.set(body.subarray(1), at.offset);
    if (extra) frame.set(extra, at.offset + body.length - 1);
  }
  quietPatchStats.sent++;
  outClients.push(c);
  outFrames.push(frame);
}

/**
 * A patch's frames, written together once every view is encoded. A socket
 * write between encodes costs more than one in a burst: on the 2-core dev VM,
 * the floor with 20 µs of work per client before each write cost 37.6–39.6 µs
 * per client-patch at 1,000 clients, with the same work done first 31.0–32.1
 * (`npm run bench -- --side floor --floor-work-us 20 [--floor-work-first]`),
 * and the clients' processes woke once per frame instead of once per burst.
 */
const outClients: ClientLike[] = [];
const outFrames: Uint8Array[] = [];

/** Writes the frames `send` queued (also after an encode that threw: what was encoded before it goes out). */
function flush(): void {
  try {
    for (let i = 0; i < outClients.length; i++) outClients[i]!.raw(outFrames[i]!);
  } finally {
    outClients.length = 0;
    outFrames.length = 0;
  }
}

/** The root's `mask` fields with their current values, as a view's own changes are written. */
function rootCatchUp(encoder: SerializerLike["encoder"], mask: number): Uint8Array {
  const root = encoder.state[$changes];
  const desc = root.encDescriptor!;
  let bytes: Uint8Array = new Uint8Array(64);
  const at = { offset: 0 };
  bytes[at.offset++] = SWITCH_TO_STRUCTURE;
  encodeValue.number(bytes, root.ref?.[$refId] ?? 0, at);
  for (let index = 0; index < 32; index++) {
    if ((mask & (1 << index)) === 0) continue;
    bytes = encoder.ensureCapacity(bytes, at.offset + 1024);
    desc.encoder!(encoder, bytes, root, index, OPERATION.ADD, at, false, true, desc.metadata);
  }
  return bytes.subarray(0, at.offset);
}

/** The fields of a tree that views filter (`@view()`). */
function filterMask(t: TreeLike): number {
  return (t.encDescriptor as { filterBitmask?: number } | undefined)?.filterBitmask ?? 0;
}

/**
 * Whether this patch's shared part can hold nothing but the root's own
 * fields: every other tree that changed sits under a view filter.
 */
function sharedIsRootOnly(encoder: SerializerLike["encoder"], root: TreeLike): boolean {
  for (let node = encoder.root.changes.next; node !== undefined; node = node.next) {
    const t = node.changeTree;
    if (t !== root && t.isFiltered !== true) return false;
  }
  return true;
}
