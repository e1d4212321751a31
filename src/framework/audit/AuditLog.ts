import { createHash, randomUUID } from "node:crypto";
import type {
  AuditDraft,
  AuditEntry,
  AuditQuery,
  AuditRecord,
  AuditStore,
} from "../persistence/ports/AuditStore.js";
import { RefusalCoalescer } from "./RefusalCoalescer.js";

export type { AuditEntry, AuditQuery, AuditRecord, AuditResult } from "../persistence/ports/AuditStore.js";

export type ChainVerification =
  | { ok: true; records: number }
  | { ok: false; records: number; brokenAt: { seq: number; id: string; reason: string } };

const GENESIS = "0".repeat(64);

/**
 * Append-only, tamper-evident audit log. Each record's hash covers its own
 * fields and the previous record's hash, so changing, inserting or deleting
 * a row breaks verification at that row. Appends take turns under the
 * store's one lock: processes sharing one database append in one order.
 */
export class AuditLog {
  private readonly refusals = new RefusalCoalescer((entry) => this.append(entry));

  constructor(private readonly store: AuditStore) {}

  async append(entry: AuditEntry): Promise<AuditRecord> {
    const { record, seq } = await this.store.append((lastHash) => draft(lastHash ?? GENESIS, entry));
    const { prevHash, hash, ...fields } = record;
    return { ...fields, seq, prevHash, hash };
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

  /** Newest first. */
  async query(q: AuditQuery = {}): Promise<{ records: AuditRecord[]; next: number | null }> {
    const limit = Math.min(Math.max(q.limit ?? 50, 1), 500);
    const rows = await this.store.find(q, limit + 1);
    const records = rows.slice(0, limit);
    return { records, next: rows.length > limit ? records[records.length - 1]!.seq : null };
  }

  /** Walks the whole chain in order and reports the first record that does not hold. */
  async verify(): Promise<ChainVerification> {
    let prevHash = GENESIS;
    let records = 0;
    let after = 0;
    for (;;) {
      const rows = await this.store.after(after, 1000);
      if (rows.length === 0) return { ok: true, records };
      for (const r of rows) {
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

/**
 * The record for `entry` after the one hashed `prevHash`. Whatever a caller
 * passes is stored: text PostgreSQL refuses (NUL, lone surrogates) is escaped
 * and every column kept within its width.
 */
function draft(prevHash: string, entry: AuditEntry): AuditDraft {
  // Millisecond precision: what JavaScript holds is exactly what the row holds.
  const at = new Date(Math.floor(Date.now()));
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
  return { ...record, prevHash, hash: chainHash(prevHash, record) };
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
