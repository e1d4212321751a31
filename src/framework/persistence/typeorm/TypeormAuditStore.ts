import type { DataSource } from "typeorm";
import type { AuditDraft, AuditQuery, AuditRecord, AuditResult, AuditStore } from "../ports/AuditStore.js";

/** Arbitrary constant: one appender at a time, so each record links to the true last one. */
const CHAIN_LOCK_KEY = 0x6d786f_a0d17;

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
  via: AuditRecord["via"];
  ip: string | null;
  user_agent: string | null;
  prev_hash: string;
  hash: string;
}

/**
 * `audit_log`, appended under a transaction-scoped advisory lock: processes
 * sharing one database append in one order.
 */
export class TypeormAuditStore implements AuditStore {
  constructor(private readonly db: DataSource) {}

  async append(
    build: (lastHash: string | undefined) => AuditDraft,
  ): Promise<{ record: AuditDraft; seq: number }> {
    return this.db.transaction(async (em) => {
      await em.query(`SELECT pg_advisory_xact_lock($1)`, [CHAIN_LOCK_KEY]);
      const last = (await em.query(`SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1`)) as {
        hash: string;
      }[];
      const record = build(last[0]?.hash);
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
          record.prevHash,
          record.hash,
        ],
      )) as { seq: string }[];
      return { record, seq: Number(rows[0]!.seq) };
    });
  }

  async find(q: AuditQuery, limit: number): Promise<AuditRecord[]> {
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
    const rows = (await this.db.query(
      `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
        ORDER BY seq DESC LIMIT ${Math.floor(limit)}`,
      params,
    )) as Row[];
    return rows.map(fromRow);
  }

  async after(seq: number, limit: number): Promise<AuditRecord[]> {
    const rows = (await this.db.query(`SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2`, [
      seq,
      limit,
    ])) as Row[];
    return rows.map(fromRow);
  }
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
