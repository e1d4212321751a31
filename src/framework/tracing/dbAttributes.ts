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
