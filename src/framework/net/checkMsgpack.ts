/** Deepest nesting a client payload may use; game messages are two or three levels deep. */
export const MSGPACK_MAX_DEPTH = 32;

/** fixext1 type 0: msgpackr's `undefined` (an optional field left unset by the SDK). */
const EXT_UNDEFINED = 0x00;
/** fixext1 type "r": an msgpackr record definition, which the SDK's default `Packr` emits for every object. */
const EXT_RECORD = 0x72;

const SCRATCH_BYTES = new Uint8Array(8);
const SCRATCH = new DataView(SCRATCH_BYTES.buffer);

/**
 * Checks that `bytes[start, end)` holds exactly one MessagePack value of the
 * plain, JSON-like subset an SDK client sends (`Packr` defaults: maps,
 * msgpackr records, arrays, strings, binary, numbers up to 32-bit integers and
 * doubles, booleans, nil, undefined), without allocating or decoding it.
 *
 * Why: Colyseus hands message bodies to msgpackr's `unpack`, which also builds
 * BigInts, Errors, RegExps, Sets, typed arrays, cyclic references and objects
 * from bundled strings, and answers a bad body by closing the client with an
 * error printed per frame. Only what passes here reaches it. The walk is
 * linear in the frame (every element costs at least one byte) and bounded in
 * depth, so a hostile frame costs no more than an honest one of its size.
 */
export function checkMsgpack(bytes: Uint8Array, start: number, end: number): boolean {
  if (start >= end || end > bytes.length) return false;
  const walker = new Walker(bytes, end);
  return walker.value(start, 0) === end;
}

class Walker {
  /** Field counts of the records defined so far in this body, by record id (0–63); msgpackr resets them per body. */
  private readonly records: (number | undefined)[] = [];

  constructor(
    private readonly b: Uint8Array,
    private readonly end: number,
  ) {}

  /** Walks one value at `at`; returns the offset after it, or -1. */
  value(at: number, depth: number): number {
    if (at >= this.end || depth > MSGPACK_MAX_DEPTH) return -1;
    const t = this.b[at]!;
    if (t < 0x40) return at + 1; // positive fixint
    if (t < 0x80) {
      // A byte of 0x40–0x7f is a reference to a record defined earlier in the body, else an integer.
      const fields = this.records[t & 0x3f];
      return fields === undefined ? at + 1 : this.values(at + 1, fields, depth + 1);
    }
    if (t < 0x90) return this.map(at + 1, t - 0x80, depth);
    if (t < 0xa0) return this.values(at + 1, t - 0x90, depth + 1);
    if (t < 0xc0) return this.span(at + 1, t - 0xa0);
    if (t >= 0xe0) return at + 1; // negative fixint
    switch (t) {
      case 0xc0: // nil
      case 0xc2: // false
      case 0xc3: // true
        return at + 1;
      case 0xc4: // bin 8
      case 0xd9: // str 8
        return this.sized(at + 1, 1);
      case 0xc5: // bin 16
      case 0xda: // str 16
        return this.sized(at + 1, 2);
      case 0xc6: // bin 32
      case 0xdb: // str 32
        return this.sized(at + 1, 4);
      case 0xca: // float 32
        return this.finite(at + 1, 4);
      case 0xcb: // float 64
        return this.finite(at + 1, 8);
      case 0xcc: // uint 8
      case 0xd0: // int 8
        return this.fixed(at + 1, 1);
      case 0xcd: // uint 16
      case 0xd1: // int 16
        return this.fixed(at + 1, 2);
      case 0xce: // uint 32
      case 0xd2: // int 32
        return this.fixed(at + 1, 4);
      case 0xd4: // fixext 1
        return this.fixext1(at + 1, depth);
      case 0xdc: // array 16
        return this.counted(at + 1, 2, (p, n) => this.values(p, n, depth + 1));
      case 0xdd: // array 32
        return this.counted(at + 1, 4, (p, n) => this.values(p, n, depth + 1));
      case 0xde: // map 16
        return this.counted(at + 1, 2, (p, n) => this.map(p, n, depth));
      case 0xdf: // map 32
        return this.counted(at + 1, 4, (p, n) => this.map(p, n, depth));
      default:
        // 0xc1 (never used), 64-bit integers (BigInt), every other extension.
        return -1;
    }
  }

  private values(at: number, count: number, depth: number): number {
    // Every element takes at least one byte: a count beyond the frame is a lie.
    if (count > this.end - at) return -1;
    for (let i = 0; i < count && at >= 0; i++) at = this.value(at, depth);
    return at;
  }

  private map(at: number, count: number, depth: number): number {
    if (count * 2 > this.end - at) return -1;
    for (let i = 0; i < count && at >= 0; i++) {
      at = this.key(at);
      if (at >= 0) at = this.value(at, depth + 1);
    }
    return at;
  }

  /** Map keys: strings or small integers, as plain objects have. */
  private key(at: number): number {
    if (at >= this.end) return -1;
    const t = this.b[at]!;
    if (t < 0x40 || t >= 0xe0) return at + 1;
    if (t >= 0xa0 && t < 0xc0) return this.span(at + 1, t - 0xa0);
    if (t === 0xd9) return this.sized(at + 1, 1);
    if (t === 0xda) return this.sized(at + 1, 2);
    return -1;
  }

  private fixext1(at: number, depth: number): number {
    if (at + 2 > this.end) return -1;
    const type = this.b[at]!;
    const data = this.b[at + 1]!;
    if (type === EXT_UNDEFINED) return data === 0 ? at + 2 : -1;
    if (type !== EXT_RECORD || data < 0x40 || data > 0x7f) return -1;
    // A record definition: an array of string keys, then that many values.
    let p = at + 2;
    if (p >= this.end) return -1;
    const h = this.b[p]!;
    let count: number;
    if (h >= 0x90 && h < 0xa0) {
      count = h - 0x90;
      p += 1;
    } else if (h === 0xdc && p + 3 <= this.end) {
      count = (this.b[p + 1]! << 8) | this.b[p + 2]!;
      p += 3;
    } else return -1;
    if (count > this.end - p) return -1;
    for (let i = 0; i < count && p >= 0; i++) p = this.stringKey(p);
    if (p < 0) return -1;
    this.records[data & 0x3f] = count;
    return this.values(p, count, depth + 1);
  }

  private stringKey(at: number): number {
    if (at >= this.end) return -1;
    const t = this.b[at]!;
    if (t >= 0xa0 && t < 0xc0) return this.span(at + 1, t - 0xa0);
    if (t === 0xd9) return this.sized(at + 1, 1);
    if (t === 0xda) return this.sized(at + 1, 2);
    return -1;
  }

  /** A big-endian length of `width` bytes at `at`, then that many bytes. */
  private sized(at: number, width: 1 | 2 | 4): number {
    return this.counted(at, width, (p, n) => this.span(p, n));
  }

  private counted(at: number, width: 1 | 2 | 4, then: (at: number, n: number) => number): number {
    if (at + width > this.end) return -1;
    let n = 0;
    for (let i = 0; i < width; i++) n = n * 256 + this.b[at + i]!;
    return then(at + width, n);
  }

  private span(at: number, length: number): number {
    return length <= this.end - at ? at + length : -1;
  }

  private fixed(at: number, width: number): number {
    return this.span(at, width);
  }

  /** Floats must be finite: NaN and ±Infinity are never game data. */
  private finite(at: number, width: 4 | 8): number {
    if (at + width > this.end) return -1;
    for (let i = 0; i < width; i++) SCRATCH_BYTES[i] = this.b[at + i]!;
    const v = width === 4 ? SCRATCH.getFloat32(0) : SCRATCH.getFloat64(0);
    return Number.isFinite(v) ? at + width : -1;
  }
}
