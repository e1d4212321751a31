/**
 * The messages between the game thread and the embedded database's worker
 * (`pgliteWorker.ts`). Everything crosses by structured clone, which carries
 * what PGlite takes and gives (Date, Uint8Array, bigint, plain objects); an
 * error crosses as its fields, because a clone keeps only an Error's message.
 */

/** What the worker is started with (`workerData`). */
export interface WorkerStart {
  dataDir: string;
  /** How often the worker vacuums tables with many dead rows (`embeddedVacuum.ts`); 0: never. */
  vacuumEveryMs: number;
  /** Under tsx: the `.ts` entry `tsxWorker.mjs` loads. */
  entry?: string;
}

/**
 * `conn` names the connection (a client lent by the pool) a statement comes
 * from, and `release` says it was given back: the worker keeps one
 * connection's transaction apart from the others' statements
 * (`sessionArbiter.ts`).
 */
export type Request =
  | { id: number; kind: "query"; conn: number; sql: string; params?: unknown[] }
  | { kind: "release"; conn: number }
  | { id: number; kind: "close" };

/** PGlite's result, as TypeORM's postgres driver reads it. */
export interface QueryResult {
  rows: unknown[];
  affectedRows?: number;
  fields: { name: string; dataTypeID: number }[];
}

/** PostgreSQL's error and notice fields (pg-protocol's `NoticeOrError`). */
export const PG_FIELDS = [
  "severity",
  "code",
  "detail",
  "hint",
  "position",
  "internalPosition",
  "internalQuery",
  "where",
  "schema",
  "table",
  "column",
  "dataType",
  "constraint",
  "file",
  "line",
  "routine",
] as const;

export type PgFields = Partial<Record<(typeof PG_FIELDS)[number], string>>;

export interface WireError extends PgFields {
  message: string;
  name: string;
  stack?: string;
  /** Set when it was PostgreSQL's own error (a `DatabaseError`), not a JavaScript one. */
  database?: { length: number };
}

export type Reply =
  | { kind: "ready" }
  | { kind: "failed"; error: WireError }
  | { kind: "result"; id: number; result: QueryResult }
  | { kind: "error"; id: number; error: WireError }
  | { kind: "closed"; id: number }
  | { kind: "notice"; id: number; notice: PgFields & { message?: string } }
  | VacuumReply;

/** A vacuum run of the worker's own (`embeddedVacuum.ts`) that vacuumed or failed something; `error`: the run itself failed. */
export interface VacuumReply {
  kind: "vacuum";
  vacuumed: string[];
  failed: { table: string; error: WireError }[];
  error?: WireError;
}

/** The fields of an error (or of a notice, which is no Error) that cross the boundary. */
export function toWire(err: unknown): WireError {
  if (typeof err !== "object" || err === null) return { message: String(err), name: "Error" };
  const source = err as Partial<Error> & PgFields & { length?: unknown };
  const wire: WireError = {
    message: String(source.message ?? ""),
    name: String(source.name ?? "Error"),
    stack: source.stack,
  };
  for (const field of PG_FIELDS) {
    if (typeof source[field] === "string") wire[field] = source[field];
  }
  // pg-protocol's DatabaseError carries the message length; its name is the message kind ("error").
  if (typeof source.length === "number" && typeof source.code === "string") {
    wire.database = { length: source.length };
  }
  return wire;
}
