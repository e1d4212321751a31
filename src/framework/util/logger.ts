import { pino, type Logger } from "pino";
import { traceLogFields, tracingEnabled } from "../tracing/tracing.js";

export type { Logger };

/**
 * Structured JSON logs on stdout; tests and tools parse the `msg` field.
 * While tracing is on (start it first), a line written under a span names
 * it (`trace_id`, `span_id`), so a trace leads to its log lines and back.
 */
export function createLogger(level: string, base: Record<string, unknown> = {}): Logger {
  return pino({
    level,
    base: { pid: process.pid, ...base },
    ...(tracingEnabled() ? { mixin: traceLogFields } : {}),
  });
}
