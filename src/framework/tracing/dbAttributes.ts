import { SpanKind, type Attributes, type Context, type Span } from "@opentelemetry/api";
import { ATTR_DB_OPERATION_NAME, ATTR_DB_QUERY_TEXT } from "@opentelemetry/semantic-conventions";
import { tracer } from "./tracing.js";

/**
 * The pre-1.26 database attribute names (`db.system`, `db.statement`…), which
 * Jaeger's UI, most dashboards and older collectors still key on. Spans carry
 * them beside the stable names (`db.system.name`, `db.query.text`…), as
 * OTel's own instrumentations do under OTEL_SEMCONV_STABILITY_OPT_IN=database/dup.
 * Spelled out here: the semantic-conventions package keeps them only in its
 * incubating entry, which it asks users not to import.
 */
export const LEGACY_DB = {
  system: "db.system",
  statement: "db.statement",
  operation: "db.operation",
  name: "db.name",
  redisDatabaseIndex: "db.redis.database_index",
} as const;

/** Long statements (batched saves) are cut: a span attribute is not a place for kilobytes of SQL. */
const MAX_STATEMENT_CHARS = 2048;

export function truncateStatement(text: string): string {
  return text.length <= MAX_STATEMENT_CHARS ? text : text.slice(0, MAX_STATEMENT_CHARS) + "…";
}

/** A client span for one database or Redis command, with the operation and statement under both names. */
export function startCommandSpan(
  name: string,
  attributes: Attributes,
  operation: string,
  statement: string,
  parent: Context,
): Span {
  return tracer.startSpan(
    name,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        ...attributes,
        [ATTR_DB_OPERATION_NAME]: operation,
        [ATTR_DB_QUERY_TEXT]: statement,
        [LEGACY_DB.operation]: operation,
        [LEGACY_DB.statement]: statement,
      },
    },
    parent,
  );
}
