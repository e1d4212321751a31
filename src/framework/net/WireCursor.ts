const SCRATCH_BYTES = new Uint8Array(8);
const SCRATCH = new DataView(SCRATCH_BYTES.buffer);
const UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Reads the little-endian, self-describing encodings of `@colyseus/schema`
 * (`encode.number`, `encode.string`, fixed-width integers and floats) with
 * every length checked against the end of the frame. Where the schema
 * decoder would read past the end (getting `undefined`, then NaN or an
 * endless loop) or print an error, each read here answers `undefined` and
 * leaves the frame to be dropped.
 */
export class WireCursor {
  constructor(
    readonly bytes: Uint8Array,
    public offset: number,
    readonly end: number = bytes.length,
  ) {}

  get remaining(): number {
    return this.end - this.offset;
  }

  get done(): boolean {
    return this.offset >= this.end;
  }

  /** `decode.number`: msgpack's integer and float encodings, 64-bit ones included. */
  number(): number | undefined {
    if (this.offset >= this.end) return undefined;
    const prefix = this.bytes[this.offset++]!;
    if (prefix < 0x80) return prefix;
    if (prefix >= 0xe0) return prefix - 0x100;
    switch (prefix) {
      case 0xca:
        return this.float(4);
      case 0xcb:
        return this.float(8);
      case 0xcc:
        return this.uint(1);
      case 0xcd:
        return this.uint(2);
      case 0xce:
        return this.uint(4);
      case 0xcf:
        return this.uint(8);
      case 0xd0:
        return this.int(1);
      case 0xd1:
        return this.int(2);
      case 0xd2:
        return this.int(4);
      case 0xd3:
        return this.int(8);
      default:
        return undefined;
    }
  }

  /** A `decode.number` that must be a whole number (ids, counts, stamps). */
  integer(): number | undefined {
    const v = this.number();
    return v !== undefined && Number.isSafeInteger(v) ? v : undefined;
  }

  /**
   * `decode.string`, requiring valid UTF-8 of exactly the declared length
   * (the schema decoder logs an error per bad byte and reads past the end).
   */
  string(): string | undefined {
    if (this.offset >= this.end) return undefined;
    const prefix = this.bytes[this.offset++]!;
    let length: number | undefined;
    if (prefix >= 0xa0 && prefix < 0xc0) length = prefix & 0x1f;
    else if (prefix === 0xd9) length = this.uint(1);
    else if (prefix === 0xda) length = this.uint(2);
    else if (prefix === 0xdb) length = this.uint(4);
    if (length === undefined || length > this.remaining) return undefined;
    const start = this.offset;
    this.offset += length;
    try {
      return UTF8.decode(this.bytes.subarray(start, start + length));
    } catch {
      return undefined;
    }
  }

  /** Whether the next byte starts what `decode.stringCheck` takes for a string (fixstr of length ≥ 1, str8/16/32). */
  atString(): boolean {
    const prefix = this.bytes[this.offset];
    if (prefix === undefined) return false;
    return (prefix > 0xa0 && prefix < 0xc0) || prefix === 0xd9 || prefix === 0xda || prefix === 0xdb;
  }

  /** Unsigned little-endian integer of `width` bytes (the schema's uint8…uint64). */
  uint(width: 1 | 2 | 4 | 8): number | undefined {
    if (width > this.remaining) return undefined;
    let v = 0;
    for (let i = width - 1; i >= 0; i--) v = v * 256 + this.bytes[this.offset + i]!;
    this.offset += width;
    return v;
  }

  /** Two's-complement little-endian integer of `width` bytes. */
  int(width: 1 | 2 | 4 | 8): number | undefined {
    const v = this.uint(width);
    if (v === undefined) return undefined;
    const half = 2 ** (width * 8 - 1);
    return v >= half ? v - half * 2 : v;
  }

  /** Little-endian IEEE-754 float of 4 or 8 bytes, NaN and infinities included (the caller judges them). */
  float(width: 4 | 8): number | undefined {
    if (width > this.remaining) return undefined;
    for (let i = 0; i < width; i++) SCRATCH_BYTES[i] = this.bytes[this.offset + i]!;
    this.offset += width;
    return width === 4 ? SCRATCH.getFloat32(0, true) : SCRATCH.getFloat64(0, true);
  }
}
