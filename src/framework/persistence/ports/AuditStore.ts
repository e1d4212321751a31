export type AuditResult = "ok" | "refused" | "failed" | "queued";

/** One privileged attempt, allowed or not (contract §5, issue #5 point 5). */
export interface AuditEntry {
  actorId: string | null;
  actor: string;
  /** `command.<name>`, `admin.<route action>`, `auth.<event>`… */
  action: string;
  target?: string | null;
  args?: unknown;
  oldValue?: unknown;
  newValue?: unknown;
  result: AuditResult;
  message: string;
  via: "http" | "game" | "system";
  ip?: string | null;
  userAgent?: string | null;
  /** Given when the record must carry a known id (a GM action id); otherwise generated. */
  id?: string;
}

export interface AuditRecord extends Required<Omit<AuditEntry, "id">> {
  id: string;
  seq: number;
  at: Date;
  prevHash: string;
  hash: string;
}

/** A record as its appender builds it: everything but the sequence number the store gives it. */
export type AuditDraft = Omit<AuditRecord, "seq">;

export interface AuditQuery {
  actor?: string;
  /** Exactly, or as a prefix when it ends in `*`. */
  action?: string;
  target?: string;
  since?: Date;
  until?: Date;
  /** Records older than this sequence number (paging cursor). */
  before?: number;
  limit?: number;
}

/** The audit log's rows: appended in one order, never changed. */
export interface AuditStore {
  /**
   * Appends one record after the last one, as a unit: every appender (on
   * every process) takes its turn under one lock, `build` gets the hash of the
   * record then last (undefined for the first) and returns the new record.
   * Returns the sequence number it was given.
   */
  append(build: (lastHash: string | undefined) => AuditDraft): Promise<{ record: AuditDraft; seq: number }>;
  /** Records matching the query, newest first, at most `limit` (the query's own limit is ignored). */
  find(query: AuditQuery, limit: number): Promise<AuditRecord[]>;
  /** Up to `limit` records after sequence number `seq`, oldest first. */
  after(seq: number, limit: number): Promise<AuditRecord[]>;
}
