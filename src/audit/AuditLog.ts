import { createHash, randomUUID } from "node:crypto";
import type { DataSource, EntityManager } from "typeorm";
import { RefusalCoalescer } from "./RefusalCoalescer.js";

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

export interface AuditQuery {
  actor?: string;
  action?: string;
  target?: string;
  since?: Date;
  until?: Date;
  /** Records older than this sequence number (paging cursor). */
  before?: number;
  limit?: number;
}

export type ChainVerification =
  | { ok: true; records: number }
  | { ok: false; records: number; brokenAt: { seq: number; id: string; reason: string } };

const GENESIS = "0".repeat(64);
/** Arbitrary constant: one appender at a time, so each record links to the true last one. */
const CHAIN_LOCK_KEY = 0x6d786f_a0d17;

/**
 * Append-only, tamper-evident audit log. Each record's hash covers its own
 * fields and the previous record's hash, so changing, inserting or deleting
 * a row breaks verification at that row. Appends take a transaction-scoped
 * advisory lock: processes sharing one database append in one order.
 */
export class AuditLog {
  private readonly refusals = new RefusalCoalescer((entry) => this.append(entry));

  constructor(private readonly db: DataSource) {}

  async append(entry: AuditEntry): Promise<AuditRecord> {
    return this.db.transaction((em) => this.appendIn(em, entry));
  }

  /**
   * A refused attempt: written at once while the actor refuses rarely,
   * counted into one record per window while it floods (see RefusalCoalescer).
   */
  async refused(entry: Omit<AuditEntry, "result">): Promise<void> {
    await this.refusals.record({ ...entry, result: "refused" });
  }

  /** Writes the refusals still being counted (call before the database closes). */
  async drain(): Promise<void> {
    await this.refusals.drain();
  }

  /** Inside a caller's transaction, so the record commits (or not) with the change it describes. */
  async appendIn(em: EntityManager, entry: AuditEntry): Promise<AuditRecord> {
    await em.query(`SELECT pg_advisory_xact_lock($1)`, [CHAIN_LOCK_KEY]);
    const last = (await em.query(`SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1`)) as {
      hash: string;
    }[];
    const prevHash = last[0]?.hash ?? GENESIS;
    // Millisecond precision: what JavaScript holds is exactly what the row holds.
    const at = new Date(Math.floor(Date.now()));
    // Whatever a caller passes is stored: text PostgreSQL refuses (NUL, lone
    // surrogates) is escaped and every column kept within its width.
    const record = {
      id: entry.id ?? randomUUID(),
      at,
      actorId: entry.actorId,
      actor: storableText(entry.actor, 64),
      action: storableText(entry.action, 64),
      target: entry.target == null ? null : storableText(entry.target, 128),
      args: normalize(entry.args ?? []),
      oldValue: normalize(entry.oldValue ?? null),
      newValue: normalize(entry.newValue ?? null),
      result: entry.result,
      message: storableText(entry.message, 2000),
      via: entry.via,
      ip: entry.ip == null ? null : storableText(entry.ip, 64),
      userAgent: entry.userAgent == null ? null : storableText(entry.userAgent, 512),
    };
    const hash = chainHash(prevHash, record);
    const rows = (await em.query(
      `INSERT INTO audit_log (id, at, actor_id, actor, action, target, args, old_value, new_value, result,
                              message, via, ip, user_agent, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
       RETURNING seq`,
      [
        record.id,
        record.at.toISOString(),
        record.actorId,
        record.actor,
        record.action,
        record.target,
        JSON.stringify(record.args),
        JSON.stringify(record.oldValue),
        JSON.stringify(record.newValue),
        record.result,
        record.message,
        record.via,
        record.ip,
        record.userAgent,
        prevHash,
        hash,
      ],
    )) as { seq: string }[];
    return { ...record, seq: Number(rows[0]!.seq), prevHash, hash };
  }

  /** Newest first. */
  async query(q: AuditQuery = {}): Promise<{ records: AuditRecord[]; next: number | null }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace("?", `$${params.length}`));
    };
    if (q.actor) add("actor = ?", q.actor);
    if (q.action) add(q.action.endsWith("*") ? "action LIKE ?" : "action = ?", q.action.replace(/\*$/, "%"));
    if (q.target) add("target = ?", q.target);
    if (q.since) add("at >= ?", q.since.toISOString());
    if (q.until) add("at < ?", q.until.toISOString());
    if (q.before !== undefined) add("seq < ?", q.before);
    const limit = Math.min(Math.max(q.limit ?? 50, 1), 500);
    const rows = (await this.db.query(
      `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
        ORDER BY seq DESC LIMIT ${limit + 1}`,
      params,
    )) as Row[];
    const records = rows.slice(0, limit).map(fromRow);
    return { records, next: rows.length > limit ? records[records.length - 1]!.seq : null };
  }

  /** Walks the whole chain in order and reports the first record that does not hold. */
  async verify(): Promise<ChainVerification> {
    let prevHash = GENESIS;
    let records = 0;
    let after = 0;
    for (;;) {
      const rows = (await this.db.query(`SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT 1000`, [
        after,
      ])) as Row[];
      if (rows.length === 0) return { ok: true, records };
      for (const row of rows) {
        const r = fromRow(row);
        const broken = (reason: string): ChainVerification => ({
          ok: false,
          records,
          brokenAt: { seq: r.seq, id: r.id, reason },
        });
        if (r.prevHash !== prevHash)
          return broken("does not link to the record before it (one was removed or inserted)");
        if (chainHash(prevHash, r) !== r.hash)
          return broken("its content does not match its hash (it was edited)");
        prevHash = r.hash;
        records++;
        after = r.seq;
      }
    }
  }
}

interface Row {
  seq: string;
  id: string;
  at: Date | string;
  actor_id: string | null;
  actor: string;
  action: string;
  target: string | null;
  args: unknown;
  old_value: unknown;
  new_value: unknown;
  result: AuditResult;
  message: string;
  via: AuditEntry["via"];
  ip: string | null;
  user_agent: string | null;
  prev_hash: string;
  hash: string;
}

function fromRow(row: Row): AuditRecord {
  return {
    seq: Number(row.seq),
    id: row.id,
    at: new Date(row.at),
    actorId: row.actor_id,
    actor: row.actor,
    action: row.action,
    target: row.target,
    args: row.args,
    oldValue: row.old_value,
    newValue: row.new_value,
    result: row.result,
    message: row.message,
    via: row.via,
    ip: row.ip,
    userAgent: row.user_agent,
    prevHash: row.prev_hash.trim(),
    hash: row.hash.trim(),
  };
}

type Hashed = Omit<AuditRecord, "seq" | "prevHash" | "hash">;

function chainHash(prevHash: string, r: Hashed): string {
  const body = canonical([
    r.id,
    r.at.toISOString(),
    r.actorId,
    r.actor,
    r.action,
    r.target,
    r.args,
    r.oldValue,
    r.newValue,
    r.result,
    r.message,
    r.via,
    r.ip,
    r.userAgent,
  ]);
  return createHash("sha256").update(prevHash).update("\n").update(body).digest("hex");
}

/** JSON with object keys sorted at every level: jsonb does not keep key order. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * What survives a jsonb round trip (undefined dropped, dates as strings, text
 * made storable, in keys too), hashed as stored.
 */
function normalize(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value ?? null), (_key, v: unknown) => {
    if (typeof v === "string") return storableText(v);
    if (v && typeof v === "object" && !Array.isArray(v)) {
      const obj = v as Record<string, unknown>;
      if (!Object.keys(obj).some(hasUnstorable)) return obj;
      return Object.fromEntries(Object.entries(obj).map(([k, x]) => [storableText(k), x]));
    }
    return v;
  }) as unknown;
}

// eslint-disable-next-line no-control-regex -- NUL is exactly what PostgreSQL refuses
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, "g");

/** Whether PostgreSQL would refuse the text (NUL in text or jsonb, an unpaired surrogate). */
export function hasUnstorable(text: string): boolean {
  return UNSTORABLE.test(text);
}

/**
 * The text as PostgreSQL can store it: NUL written out as the six characters
 * `\u0000` (so the record still shows it was there), an unpaired surrogate as
 * U+FFFD; then cut to `max` characters.
 */
export function storableText(text: string, max = Infinity): string {
  const clean = hasUnstorable(text)
    ? text.replace(UNSTORABLE_ALL, (c) => (c === "\u0000" ? "\\u0000" : "\ufffd"))
    : text;
  if (clean.length <= max) return clean;
  // Never cut a surrogate pair in half: that would make it unstorable again.
  const cut = clean.slice(0, max);
  return /[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut;
}
