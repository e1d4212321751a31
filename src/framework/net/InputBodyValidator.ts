import { WireCursor } from "./WireCursor.js";

/** What a frame check concluded: pass it on, drop it as broken framing, or drop a well-framed but unusable value. */
export type FrameVerdict = "ok" | "malformed" | "invalid";

/** Schema wire operations (`@colyseus/schema` OPERATION): an input's encoder writes ADD, older ones REPLACE. */
const OP_REPLACE = 0x00;
const OP_ADD = 0x80;
/** Field indexes live in the low six bits of the operation byte (63 itself is unassignable). */
const MAX_FIELD_INDEX = 62;

type Reader = (cursor: WireCursor) => FrameVerdict;

const fixed =
  (read: (c: WireCursor) => number | undefined): Reader =>
  (c) =>
    read(c) === undefined ? "malformed" : "ok";

const finite =
  (read: (c: WireCursor) => number | undefined): Reader =>
  (c) => {
    const v = read(c);
    if (v === undefined) return "malformed";
    return Number.isFinite(v) ? "ok" : "invalid";
  };

/** How each flat primitive of a schema reads on the wire (`@colyseus/schema` encode/decode tables). */
const READERS: Record<string, Reader> = {
  boolean: (c) => {
    const v = c.uint(1);
    if (v === undefined) return "malformed";
    return v <= 1 ? "ok" : "invalid";
  },
  int8: fixed((c) => c.int(1)),
  uint8: fixed((c) => c.uint(1)),
  int16: fixed((c) => c.int(2)),
  uint16: fixed((c) => c.uint(2)),
  int32: fixed((c) => c.int(4)),
  uint32: fixed((c) => c.uint(4)),
  int64: fixed((c) => c.int(8)),
  uint64: fixed((c) => c.uint(8)),
  bigint64: fixed((c) => c.uint(8)),
  biguint64: fixed((c) => c.uint(8)),
  float32: finite((c) => c.float(4)),
  float64: finite((c) => c.float(8)),
  number: finite((c) => c.number()),
  string: (c) => (c.string() === undefined ? "malformed" : "ok"),
};

interface SchemaClass {
  name: string;
  [Symbol.metadata]?: unknown;
}

/**
 * Strict check of a reliable input body (`ROOM_INPUT_RELIABLE` after any
 * stamp) for an input schema of flat primitives, derived from the schema's
 * own metadata: a run of `[ADD|REPLACE + field index][value]` with every
 * index declared, each field at most once, each value of its declared type
 * wholly inside the frame, floats finite, and nothing after the last value.
 * An empty body is an honest no-change input.
 *
 * Why: the schema decoder trusts its input — an unknown index or a value cut
 * short logs a warning per frame ("field not defined", "definition
 * mismatch") and leaves NaN or stale fields on the input instance. Bodies
 * that pass here decode exactly as the SDK's `InputEncoder` wrote them.
 */
export class InputBodyValidator {
  private constructor(private readonly fields: (Reader | undefined)[]) {}

  static forSchema(type: SchemaClass): InputBodyValidator {
    const metadata = type[Symbol.metadata] as Record<string, { type: unknown; index: number }> | undefined;
    if (!metadata) throw new Error(`InputBodyValidator: ${type.name} has no schema fields`);
    const fields: (Reader | undefined)[] = [];
    for (const key of Object.keys(metadata)) {
      if (!/^\d+$/.test(key)) continue;
      const field = metadata[key]!;
      const reader = typeof field.type === "string" ? READERS[field.type] : undefined;
      if (!reader || field.index > MAX_FIELD_INDEX) {
        throw new Error(
          `InputBodyValidator: field ${field.index} of ${type.name} (${JSON.stringify(field.type)}) is not a flat primitive`,
        );
      }
      fields[field.index] = reader;
    }
    if (fields.length === 0) throw new Error(`InputBodyValidator: ${type.name} has no schema fields`);
    return new InputBodyValidator(fields);
  }

  check(bytes: Uint8Array, start: number, end: number = bytes.length): FrameVerdict {
    const cursor = new WireCursor(bytes, start, end);
    let seen = 0;
    let verdict: FrameVerdict = "ok";
    while (!cursor.done) {
      const op = bytes[cursor.offset++]!;
      const operation = op & 0xc0;
      const index = op & 0x3f;
      if (operation !== OP_ADD && operation !== OP_REPLACE) return "malformed";
      const reader = this.fields[index];
      if (!reader) return "malformed";
      const bit = 2 ** index;
      if (Math.floor(seen / bit) % 2 === 1) return "malformed";
      seen += bit;
      const value = reader(cursor);
      if (value === "malformed") return "malformed";
      if (value === "invalid") verdict = "invalid";
    }
    return cursor.offset === end ? verdict : "malformed";
  }
}
