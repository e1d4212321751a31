/**
 * Decodes an OTLP ExportTraceServiceRequest from its protobuf encoding into
 * the shape of its JSON encoding (ids as hex), for the test receiver. The
 * OTel packages only serialize requests (their transformer decodes
 * responses), so this reads the wire format itself, for the fields of
 * opentelemetry/proto/{collector/trace,trace,resource,common}/v1 a test looks at.
 */

type Raw = bigint | Buffer;
type Fields = Map<number, Raw[]>;

function readFields(buf: Buffer): Fields {
  const out: Fields = new Map();
  let i = 0;
  const varint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const byte = buf[i++];
      if (byte === undefined) throw new Error("protobuf: truncated varint");
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return result;
    }
  };
  const take = (n: number): Buffer => {
    if (i + n > buf.length) throw new Error("protobuf: truncated field");
    const b = buf.subarray(i, i + n);
    i += n;
    return b;
  };
  while (i < buf.length) {
    const key = Number(varint());
    const wire = key & 7;
    const value =
      wire === 0
        ? varint()
        : wire === 1
          ? take(8)
          : wire === 2
            ? take(Number(varint()))
            : wire === 5
              ? take(4)
              : undefined;
    if (value === undefined) throw new Error(`protobuf: unsupported wire type ${wire}`);
    const list = out.get(key >> 3) ?? [];
    list.push(value);
    out.set(key >> 3, list);
  }
  return out;
}

const all = (f: Fields, n: number): Buffer[] =>
  (f.get(n) ?? []).filter((v): v is Buffer => Buffer.isBuffer(v));
const one = (f: Fields, n: number): Buffer | undefined => all(f, n)[0];
const num = (f: Fields, n: number): bigint | undefined => {
  const v = f.get(n)?.[0];
  return typeof v === "bigint" ? v : undefined;
};
const text = (f: Fields, n: number): string | undefined => one(f, n)?.toString("utf8");

function anyValue(buf: Buffer): Record<string, unknown> {
  const f = readFields(buf);
  if (f.has(1)) return { stringValue: text(f, 1) };
  if (f.has(2)) return { boolValue: num(f, 2) === 1n };
  if (f.has(3)) return { intValue: String(BigInt.asIntN(64, num(f, 3)!)) };
  if (f.has(4)) return { doubleValue: one(f, 4)!.readDoubleLE(0) };
  if (f.has(5)) return { arrayValue: { values: all(readFields(one(f, 5)!), 1).map(anyValue) } };
  return {};
}

function keyValues(list: Buffer[]): { key: string; value: Record<string, unknown> }[] {
  return list.map((b) => {
    const f = readFields(b);
    return { key: text(f, 1) ?? "", value: one(f, 2) ? anyValue(one(f, 2)!) : {} };
  });
}

function span(buf: Buffer): Record<string, unknown> {
  const f = readFields(buf);
  const status = one(f, 15) ? readFields(one(f, 15)!) : undefined;
  return {
    traceId: one(f, 1)?.toString("hex") ?? "",
    spanId: one(f, 2)?.toString("hex") ?? "",
    parentSpanId: one(f, 4)?.toString("hex") ?? "",
    name: text(f, 5) ?? "",
    kind: Number(num(f, 6) ?? 0n),
    // fixed64 nanoseconds, as a decimal string like the JSON encoding's
    startTimeUnixNano: one(f, 7)?.readBigUInt64LE(0).toString(),
    endTimeUnixNano: one(f, 8)?.readBigUInt64LE(0).toString(),
    attributes: keyValues(all(f, 9)),
    status: status ? { message: text(status, 2), code: Number(num(status, 3) ?? 0n) } : {},
  };
}

export function decodeExportTraceServiceRequest(buf: Buffer): { resourceSpans: unknown[] } {
  return {
    resourceSpans: all(readFields(buf), 1).map((rsBuf) => {
      const rs = readFields(rsBuf);
      const resource = one(rs, 1) ? readFields(one(rs, 1)!) : undefined;
      return {
        resource: { attributes: resource ? keyValues(all(resource, 1)) : [] },
        scopeSpans: all(rs, 2).map((ssBuf) => ({ spans: all(readFields(ssBuf), 2).map(span) })),
      };
    }),
  };
}
