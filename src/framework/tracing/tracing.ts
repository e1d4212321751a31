import {
  context,
  diag,
  DiagLogLevel,
  INVALID_SPAN_CONTEXT,
  propagation,
  ROOT_CONTEXT,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type SpanKind,
} from "@opentelemetry/api";
import type { RequestHandler } from "express";
import type { TracingConfig } from "../config/config.js";
import type { Logger } from "../util/logger.js";
import { PACKAGE_VERSION } from "../util/version.js";

/**
 * Tracing's one switch and the helpers the rest of the server calls. Only
 * `@opentelemetry/api` is loaded here: without OTEL_EXPORTER_OTLP_ENDPOINT the
 * SDK is never imported, every helper below returns at its first line, and
 * the database, Redis and HTTP layers are not wrapped at all. With it,
 * `startTracing` imports the SDK (./startSdk.ts) and the instrumentation.
 */

/** What the SDK side installs; absent while tracing is off. */
export interface Instrumentation {
  /** Wraps a TypeORM data source's query runners (PostgreSQL or PGlite). */
  database(dataSource: unknown, target: DatabaseTarget): void;
  /** Wraps an ioredis client's commands. */
  redis(client: unknown, url: string): void;
  /** The Express middleware that makes a server span of each request. */
  http(): RequestHandler;
  /** Wraps Colyseus's web-standard router handler (`/matchmake/*` never reaches Express). */
  router(router: { handler: (request: Request) => Promise<Response> }): void;
  /** Traced zone rooms report when a client received its first full state (see zone/JoinTrace.ts). */
  sendFullState(room: object, onSent: (sessionId: string) => void): void;
}

export interface DatabaseTarget {
  /** Set for PostgreSQL (server address, port, database name); unset for the embedded PGlite. */
  url?: string | undefined;
  embedded: boolean;
}

export interface Tracing {
  enabled: boolean;
  /** Exports what is still buffered and stops; call last, just before exit. */
  shutdown(): Promise<void>;
}

/** How long a stop waits for the last spans to be exported. */
const SHUTDOWN_FLUSH_MS = 3000;

let installed: Instrumentation | undefined;
/** What `withSpan` hands its function while tracing is off. */
const NOT_RECORDING = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

export const tracer = trace.getTracer("mxo-server", PACKAGE_VERSION);

/** True once the SDK runs (OTEL_EXPORTER_OTLP_ENDPOINT set). */
export function tracingEnabled(): boolean {
  return installed !== undefined;
}

/** The installed instrumentation, or undefined while tracing is off (the call site does nothing). */
export function instrumentation(): Instrumentation | undefined {
  return installed;
}

/**
 * Starts the OpenTelemetry SDK when the configuration asks for it. Call once,
 * first thing in a process (before the database, Redis and HTTP are set up).
 */
export async function startTracing(
  config: TracingConfig | undefined,
  service: { name: string; version?: string },
): Promise<Tracing> {
  if (!config || installed) return { enabled: installed !== undefined, shutdown: async () => {} };
  const { startSdk } = await import("./startSdk.js");
  const sdk = await startSdk(config, { name: service.name, version: service.version ?? PACKAGE_VERSION });
  installed = sdk.instrumentation;
  return {
    enabled: true,
    async shutdown() {
      installed = undefined;
      // An unreachable collector must not hold up a stop (or turn a clean drain into a timeout).
      const gaveUp = new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_FLUSH_MS).unref());
      await Promise.race([sdk.shutdown().catch(() => {}), gaveUp]);
    },
  };
}

/** Export failures go to the server's log instead of the console (called once the logger exists). */
export function logTracingErrorsTo(log: Logger): void {
  if (!installed) return;
  diag.setLogger(
    {
      error: (message, ...args) => log.warn({ otel: args }, `tracing: ${message}`),
      warn: (message, ...args) => log.warn({ otel: args }, `tracing: ${message}`),
      info: () => {},
      debug: () => {},
      verbose: () => {},
    },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
}

export interface SpanSettings {
  kind?: SpanKind;
  attributes?: Attributes;
  /** Continue this context instead of the active one (a travel ticket's, a seat reservation's). */
  parent?: Context | undefined;
}

/**
 * Runs `fn` inside a span that ends with it: an exception marks the span as
 * failed and is rethrown. While tracing is off `fn` runs directly, given a
 * span that records nothing.
 */
export async function withSpan<T>(
  name: string,
  settings: SpanSettings,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  if (!installed) return fn(NOT_RECORDING);
  const parent = settings.parent ?? context.active();
  const span = tracer.startSpan(name, { kind: settings.kind, attributes: settings.attributes }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (err) {
    failSpan(span, err);
    throw err;
  } finally {
    span.end();
  }
}

/**
 * Runs `fn` outside any trace. Timers keep the context they were created in:
 * a room's tick and autosave, set up while the first join's request creates
 * the room, would otherwise file every later tick's work under that request.
 */
export function outsideTraces<T>(fn: () => T): T {
  return installed ? context.with(ROOT_CONTEXT, fn) : fn();
}

/** Records an exception on a span and marks it failed. */
export function failSpan(span: Span, err: unknown): void {
  span.recordException(err instanceof Error ? err : String(err));
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
}

/** The active context as a W3C `traceparent` (for a travel ticket, a seat reservation), or undefined. */
export function currentTraceparent(from: Context = context.active()): string | undefined {
  if (!installed || !trace.getSpan(from)) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(from, carrier);
  return carrier.traceparent;
}

/** The context a `traceparent` names (a remote parent), or undefined for none or a malformed one. */
export function contextOf(traceparent: string | undefined): Context | undefined {
  if (!installed || !traceparent) return undefined;
  const extracted = propagation.extract(ROOT_CONTEXT, { traceparent });
  return trace.getSpan(extracted) ? extracted : undefined;
}

/** Log fields of the active span (pino mixin): `trace_id`, `span_id`, `trace_flags`, as OTel's log bridges name them. */
export function traceLogFields(): Record<string, string> {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId, traceFlags } = span.spanContext();
  if (traceId === INVALID_SPAN_CONTEXT.traceId) return {};
  return { trace_id: traceId, span_id: spanId, trace_flags: `0${traceFlags.toString(16)}` };
}
