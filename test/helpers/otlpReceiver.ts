import { createServer, type Server } from "node:http";
import { waitFor } from "./api.js";
import { decodeExportTraceServiceRequest } from "./otlpProtobuf.js";

/** One exported span, flattened from OTLP/JSON, with its process's resource. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
  status: { code?: number; message?: string };
  resource: Record<string, unknown>;
  /** Start and end, in milliseconds since the epoch (from the span's nanoseconds). */
  startMs: number;
  endMs: number;
}

export interface OtlpReceiver {
  /** For OTEL_EXPORTER_OTLP_ENDPOINT (the exporter appends /v1/traces). */
  endpoint: string;
  spans: ReceivedSpan[];
  /** Requests that were not OTLP trace exports (they fail the test that checks it). */
  rejected: string[];
  /** The content type of each export received (`application/json` or `application/x-protobuf`). */
  encodings: string[];
  /** Every span of a trace, once `until` holds for them. */
  trace(traceId: string, until: (spans: ReceivedSpan[]) => boolean, what: string): Promise<ReceivedSpan[]>;
  close(): Promise<void>;
}

type AnyValue = {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: AnyValue[] };
};
type KeyValue = { key: string; value: AnyValue };

function valueOf(v: AnyValue): unknown {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(valueOf);
  return undefined;
}

/** OTLP/JSON carries nanoseconds as a decimal string (64 bits do not fit a double). */
const millisOf = (nanos: string | number | undefined): number =>
  nanos === undefined ? NaN : Number(BigInt(nanos) / 1000n) / 1000;

function attributesOf(list: KeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, valueOf(kv.value)]));
}

/**
 * An OTLP/HTTP trace receiver in the test process: what a collector or
 * Jaeger's port 4318 would get, in either encoding (http/json, or the
 * spec's default http/protobuf, decoded by ./otlpProtobuf.ts).
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const rejected: string[] = [];
  const encodings: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim();
      const known = type === "application/json" || type === "application/x-protobuf";
      if (req.method !== "POST" || req.url !== "/v1/traces" || !known) {
        rejected.push(`${req.method} ${req.url} ${type}`);
        res.writeHead(400).end();
        return;
      }
      encodings.push(type);
      const raw = Buffer.concat(chunks);
      const body =
        type === "application/json" ? JSON.parse(raw.toString("utf8")) : decodeExportTraceServiceRequest(raw);
      for (const rs of body.resourceSpans ?? []) {
        const resource = attributesOf(rs.resource?.attributes);
        for (const ss of rs.scopeSpans ?? []) {
          for (const s of ss.spans ?? []) {
            spans.push({
              traceId: s.traceId,
              spanId: s.spanId,
              parentSpanId: s.parentSpanId ?? "",
              name: s.name,
              kind: s.kind,
              attributes: attributesOf(s.attributes),
              status: s.status ?? {},
              resource,
              startMs: millisOf(s.startTimeUnixNano),
              endMs: millisOf(s.endTimeUnixNano),
            });
          }
        }
      }
      // An empty ExportTraceServiceResponse: full success, in the request's encoding.
      res.writeHead(200, { "content-type": type }).end(type === "application/json" ? "{}" : "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    rejected,
    encodings,
    async trace(traceId, until, what) {
      return waitFor(
        () => {
          const found = spans.filter((s) => s.traceId === traceId);
          return until(found) ? found : undefined;
        },
        { what, timeoutMs: 20_000 },
      );
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
