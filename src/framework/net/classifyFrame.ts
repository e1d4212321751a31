import { Protocol, ProtocolModifier } from "@colyseus/core";
import { checkMsgpack } from "./checkMsgpack.js";
import type { FrameVerdict, InputBodyValidator } from "./InputBodyValidator.js";
import { WireCursor } from "./WireCursor.js";

/** Longest message type name accepted (ours are a few letters; the cap only bounds hostile ones). */
export const MAX_MESSAGE_TYPE_LENGTH = 64;
/** How far ahead of the room clock a client's stamp may run (its clock estimate leads by about half a round trip). */
export const STAMP_LEAD_MS = 10_000;
const UINT32_MAX = 0xffffffff;

/** The reliable input channel's lag-compensation stamp, as the room advertised it in the join handshake. */
export type StampShape = "none" | "one" | "both";

export interface FrameContext {
  /** The room's input body check; undefined when the room takes no input. */
  input: InputBodyValidator | undefined;
  stamp: StampShape;
  /** The client has not acknowledged its join yet (JOIN_ROOM is expected once, then never again). */
  joining: boolean;
  /** The client's running stamp baseline (the reliable stamp is a delta from it), in ms. */
  stampBaseline: number;
  /** The room clock (ms since the room started), which stamps are measured on. */
  nowMs: number;
}

export interface FrameClass {
  /** `input` for the input opcodes, `protocol` for everything else (the `mxo_messages_total` type label). */
  kind: "input" | "protocol";
  verdict: FrameVerdict;
}

const MODIFIERS = 0xe0;
const CODE = 0x1f;

/**
 * Judges one client → server frame before Colyseus decodes it. Every opcode
 * an SDK client sends is checked against the exact shape the SDK writes;
 * everything else is malformed. Pure: no I/O, no clock, no state.
 *
 * `ROOM_INPUT_UNRELIABLE` is always malformed: the room declares reliable
 * input, no honest client sends the ring, and its decoder
 * (`InputDecoder.decodeAll` in @colyseus/schema 5.0.34) loops forever on a
 * negative slot length (`[20, 0, 255]`).
 */
export function classifyFrame(frame: Uint8Array, ctx: FrameContext): FrameClass {
  if (frame.length === 0) return protocol("malformed");
  const head = frame[0]!;
  const code = head & CODE;
  const modifiers = head & MODIFIERS;
  if (code === Protocol.ROOM_INPUT_RELIABLE)
    return { kind: "input", verdict: reliableInput(frame, modifiers, ctx) };
  if (code === Protocol.ROOM_INPUT_UNRELIABLE) return { kind: "input", verdict: "malformed" };
  if (modifiers !== 0) return protocol("malformed");
  switch (code) {
    case Protocol.JOIN_ROOM:
      return protocol(frame.length === 1 && ctx.joining ? "ok" : "malformed");
    case Protocol.LEAVE_ROOM:
    case Protocol.PING:
      return protocol(frame.length === 1 ? "ok" : "malformed");
    case Protocol.ROOM_DATA:
      return protocol(message(new WireCursor(frame, 1), true));
    case Protocol.ROOM_DATA_BYTES:
      return protocol(message(new WireCursor(frame, 1), false));
    case Protocol.ROOM_REQUEST: {
      const cursor = new WireCursor(frame, 1);
      const requestId = cursor.integer();
      if (requestId === undefined || requestId < 0 || requestId > UINT32_MAX) return protocol("malformed");
      return protocol(message(cursor, true));
    }
    default:
      return protocol("malformed");
  }
}

function protocol(verdict: FrameVerdict): FrameClass {
  return { kind: "protocol", verdict };
}

/**
 * `[type: non-empty string | integer][body]`; a msgpack body is one plain value or nothing. The type "*" is
 * Colyseus's wildcard: sent as a type, it reaches the room's catch-all handler with the payload where the
 * type belongs (`(client, payload)` instead of `(client, type, payload)`).
 */
function message(cursor: WireCursor, msgpackBody: boolean): FrameVerdict {
  if (cursor.atString()) {
    const type = cursor.string();
    if (type === undefined || type.length > MAX_MESSAGE_TYPE_LENGTH || type === "*") return "malformed";
  } else if (cursor.integer() === undefined) {
    return "malformed";
  }
  if (!msgpackBody || cursor.done) return "ok";
  return checkMsgpack(cursor.bytes, cursor.offset, cursor.end) ? "ok" : "malformed";
}

function reliableInput(frame: Uint8Array, modifiers: number, ctx: FrameContext): FrameVerdict {
  if (!ctx.input) return "malformed";
  const cursor = new WireCursor(frame, 1);
  if (modifiers === ProtocolModifier.TIMED) {
    if (ctx.stamp === "none") return "malformed";
    const delta = cursor.integer();
    if (delta === undefined) return "malformed";
    const stamp = ctx.stampBaseline + delta;
    if (stamp < 0 || stamp > UINT32_MAX || stamp > ctx.nowMs + STAMP_LEAD_MS) return "malformed";
    if (ctx.stamp === "both" && cursor.uint(2) === undefined) return "malformed";
  } else if (modifiers !== 0) {
    return "malformed";
  }
  return ctx.input.check(frame, cursor.offset);
}
