import { encode } from "@colyseus/schema";
import { Protocol } from "@colyseus/sdk";
import type { Prng } from "./Prng.js";
import { deepValue, packValue, randomNumber, randomString, randomValue } from "./values.js";
import { MESSAGE_TYPES } from "./messageGen.js";

/** `ProtocolModifier.TIMED`: a lag-compensation stamp precedes the input. */
const TIMED = 0x80;

/** The server's frame cap (src/framework/server/transport.ts); frames past it get the client cut. */
export const MAX_FRAME_BYTES = 16 * 1024;

export interface FuzzFrame {
  /** What kind of frame it is, for the per-kind counts in the report. */
  kind: string;
  bytes: Uint8Array;
  /** The server is expected to close the connection for it. */
  closes?: boolean;
}

type Writer = (buf: Uint8Array, it: { offset: number }) => void;

/** Builds a frame from an opcode byte and a sequence of field writers, growing as needed. */
function build(head: number, ...fields: (Writer | Uint8Array)[]): Uint8Array {
  let buf = new Uint8Array(256);
  for (;;) {
    const it = { offset: 1 };
    buf[0] = head;
    for (const f of fields) {
      if (f instanceof Uint8Array) {
        if (it.offset + f.length <= buf.length) buf.set(f, it.offset);
        it.offset += f.length;
      } else f(buf, it);
    }
    if (it.offset <= buf.length) return buf.slice(0, it.offset);
    buf = new Uint8Array(it.offset * 2);
  }
}

const num =
  (v: number): Writer =>
  (b, it) => {
    if (it.offset + 9 <= b.length) encode.number(b, v, it);
    else it.offset += 9;
  };
const str =
  (v: string): Writer =>
  (b, it) => {
    const need = 5 + Buffer.byteLength(v) * 2;
    if (it.offset + need <= b.length) encode.string(b, v, it);
    else it.offset += need;
  };
const u8 =
  (v: number): Writer =>
  (b, it) => {
    if (it.offset < b.length) b[it.offset] = v & 0xff;
    it.offset++;
  };
const fixed =
  (width: 2 | 4 | 8, v: number, float = false): Writer =>
  (b, it) => {
    if (it.offset + width <= b.length) {
      const view = new DataView(b.buffer, b.byteOffset + it.offset, width);
      if (float && width === 4) view.setFloat32(0, v, true);
      else if (float) view.setFloat64(0, v, true);
      else if (width === 2) view.setUint16(0, v & 0xffff, true);
      else if (width === 4) view.setUint32(0, v >>> 0, true);
      else view.setBigUint64(0, BigInt.asUintN(64, BigInt(Math.trunc(Number.isFinite(v) ? v : 0))), true);
    }
    it.offset += width;
  };

/** A message type as a client might write it: known, random, numeric, empty, or not UTF-8. */
function messageType(r: Prng): Writer | Uint8Array {
  return r.weighted<() => Writer | Uint8Array>([
    [50, () => str(r.pick(MESSAGE_TYPES))],
    [15, () => str(randomString(r, 80))],
    [10, () => num(randomNumber(r))],
    [5, () => Uint8Array.from([0xa0])],
    [5, () => Uint8Array.from([0xa4, 0xff, 0xfe, 0xc0, 0x80])],
    [5, () => Uint8Array.from([0xdb, 0xff, 0xff, 0xff, 0xff, 0x61])],
    [10, () => r.bytes(r.length(8))],
  ])();
}

/** A msgpack body: a random value as the SDK packs it, a mutated one, random bytes, or nothing. */
function body(r: Prng): Uint8Array {
  return r.weighted<() => Uint8Array>([
    [40, () => packValue(r, randomValue(r))],
    [20, () => mutate(r, packValue(r, randomValue(r)))],
    [15, () => r.bytes(r.length(200))],
    [5, () => packValue(r, deepValue(r))],
    [5, () => Uint8Array.from([r.pick([0xdc, 0xdd, 0xde, 0xdf, 0xc6, 0xdb]), 0xff, 0xff, 0xff, 0xff])],
    [15, () => new Uint8Array(0)],
  ])();
}

export function mutate(r: Prng, bytes: Uint8Array): Uint8Array {
  const out = Uint8Array.from(bytes);
  if (out.length === 0) return r.bytes(1 + r.int(8));
  return r.weighted<() => Uint8Array>([
    [
      40,
      () => {
        for (let i = 0, n = 1 + r.int(3); i < n; i++) out[r.int(out.length)] = r.int(256);
        return out;
      },
    ],
    [20, () => out.subarray(0, r.int(out.length))],
    [20, () => Uint8Array.from([...out, ...r.bytes(1 + r.int(8))])],
    [
      20,
      () => {
        out[r.int(out.length)] = r.pick([0x00, 0x7f, 0x80, 0xc1, 0xff, 0xd4, 0xdd, 0xdf, 0xa0]);
        return out;
      },
    ],
  ])();
}

/** One input field write: `[ADD|REPLACE|other op + index][value]`, mostly the MoveInput fields. */
function inputField(r: Prng): Writer[] {
  const index = r.weighted([
    [30, 0],
    [30, 1],
    [30, 2],
    [10, r.int(64)],
  ]);
  const op = r.weighted([
    [70, 0x80],
    [15, 0x00],
    [15, r.pick([0x40, 0x60, 0xa0, 0xc0])],
  ]);
  const value =
    index === 0
      ? fixed(4, r.chance(0.8) ? r.int(2 ** 32) : randomNumber(r))
      : r.chance(0.8)
        ? fixed(4, r.chance(0.7) ? r.next() * 2 - 1 : randomNumber(r), true)
        : fixed(8, randomNumber(r), true);
  return [u8(op | index), value];
}

function reliableInput(r: Prng): FuzzFrame {
  const timed = r.chance(0.6);
  const fields: Writer[] = [];
  if (timed) {
    fields.push(
      num(
        r.weighted([
          [60, r.range(-100, 100)],
          [40, randomNumber(r)],
        ]),
      ),
    );
    if (r.chance(0.2)) fields.push(fixed(2, r.int(65536)));
  }
  for (
    let i = 0,
      n = r.weighted([
        [10, 0],
        [70, r.range(1, 3)],
        [20, r.range(4, 12)],
      ]);
    i < n;
    i++
  ) {
    fields.push(...inputField(r));
  }
  let bytes = build(Protocol.ROOM_INPUT_RELIABLE | (timed ? TIMED : 0), ...fields);
  if (r.chance(0.3)) bytes = Uint8Array.from([bytes[0]!, ...mutate(r, bytes.subarray(1))]);
  return { kind: "input.reliable", bytes };
}

/** The unreliable ring: `[baseSeq][len][slot]…`, negative and oversized slot lengths included (C1). */
function unreliableInput(r: Prng): FuzzFrame {
  const fields: (Writer | Uint8Array)[] = [];
  if (r.chance(0.3)) fields.push(num(r.range(1, 4)), fixed(4, r.int(2 ** 32)));
  fields.push(num(r.chance(0.8) ? r.int(1000) : randomNumber(r)));
  for (let i = 0, n = r.range(0, 4); i < n; i++) {
    fields.push(
      num(
        r.weighted([
          [40, r.range(0, 12)],
          [30, r.pick([-1, -32, -2, 0xffff, 2 ** 31])],
          [30, randomNumber(r)],
        ]),
      ),
    );
    fields.push(r.bytes(r.length(12)));
  }
  const head = Protocol.ROOM_INPUT_UNRELIABLE | (r.chance(0.3) ? TIMED : 0);
  return {
    kind: "input.unreliable",
    bytes: r.chance(0.2) ? Uint8Array.from([20, 0, 255]) : build(head, ...fields),
  };
}

/** Any client → server frame, every opcode of the Colyseus protocol, random and boundary bodies. */
export function randomFrame(r: Prng): FuzzFrame {
  return r.weighted<() => FuzzFrame>([
    [22, () => reliableInput(r)],
    [10, () => unreliableInput(r)],
    [18, () => ({ kind: "room_data", bytes: build(Protocol.ROOM_DATA, messageType(r), body(r)) })],
    [
      5,
      () => ({
        kind: "room_data_bytes",
        bytes: build(Protocol.ROOM_DATA_BYTES, messageType(r), r.bytes(r.length(300))),
      }),
    ],
    [
      10,
      () => ({
        kind: "room_request",
        bytes: build(
          Protocol.ROOM_REQUEST,
          num(r.chance(0.7) ? r.int(100000) : randomNumber(r)),
          messageType(r),
          body(r),
        ),
      }),
    ],
    [
      4,
      () => ({
        kind: "join_room",
        bytes: r.chance(0.7) ? Uint8Array.from([10]) : build(10, r.bytes(r.length(16))),
      }),
    ],
    [
      4,
      () => ({
        kind: "ping",
        bytes: r.chance(0.7) ? Uint8Array.from([18]) : build(18, r.bytes(r.length(16))),
      }),
    ],
    [0.3, () => ({ kind: "leave_room", bytes: Uint8Array.from([12]), closes: true })],
    [
      8,
      () => ({
        kind: "other_opcode",
        bytes: build(r.pick([0, 1, 9, 11, 14, 15, 16, 22, 23, 31]) | (r.int(8) << 5), r.bytes(r.length(200))),
      }),
    ],
    [6, () => ({ kind: "modified", bytes: build(r.int(32) | (r.range(1, 7) << 5), r.bytes(r.length(64))) })],
    [6, () => ({ kind: "random", bytes: r.bytes(r.length(512)) })],
    [2, () => ({ kind: "empty", bytes: new Uint8Array(0) })],
    [
      1,
      () => ({
        kind: "near_max",
        bytes: build(Protocol.ROOM_DATA, str("chat"), r.bytes(MAX_FRAME_BYTES - 8)),
      }),
    ],
    [0.05, () => ({ kind: "oversized", bytes: r.bytes(MAX_FRAME_BYTES + 1 + r.int(50_000)), closes: true })],
  ])();
}
