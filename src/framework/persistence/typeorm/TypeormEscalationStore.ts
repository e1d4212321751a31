import { randomUUID } from "node:crypto";
import type { DataSource, EntityManager } from "typeorm";
import { returnedRows } from "./sql.js";
import {
  ESCALATION_PENDING_SECONDS,
  type ApprovalOutcome,
  type Escalation,
  type EscalationStore,
  type RequestOutcome,
} from "../ports/EscalationStore.js";

const COLUMNS = `e.id, e.account_id, a.username, e.role, e.reason, e.started_at, e.expires_at, e.approved_at,
                 (SELECT username FROM accounts b WHERE b.id = e.approved_by) AS approved_by_name`;
const PENDING = `e.approved_at IS NULL AND e.ended_at IS NULL
                 AND e.started_at > now() - make_interval(secs => ${ESCALATION_PENDING_SECONDS})`;
const ACTIVE = `e.approved_at IS NOT NULL AND e.ended_at IS NULL AND e.expires_at > now()`;

interface Row {
  id: string;
  account_id: string;
  username: string;
  role: string;
  reason: string;
  started_at: Date | string;
  expires_at: Date | string | null;
  approved_at: Date | string | null;
  approved_by_name: string | null;
}

export class TypeormEscalationStore implements EscalationStore {
  constructor(private readonly db: DataSource) {}

  active(accountId: string): Promise<Escalation | null> {
    return this.find(`e.account_id = $1 AND ${ACTIVE}`, [accountId]);
  }

  pendingOf(accountId: string): Promise<Escalation | null> {
    return this.find(`e.account_id = $1 AND ${PENDING}`, [accountId]);
  }

  live(id: string): Promise<Escalation | null> {
    return this.find(`e.id = $1 AND (${PENDING} OR ${ACTIVE})`, [id]);
  }

  async pending(): Promise<Escalation[]> {
    const rows = (await this.db.query(
      `SELECT ${COLUMNS} FROM escalations e JOIN accounts a ON a.id = e.account_id
        WHERE ${PENDING} ORDER BY e.started_at LIMIT 200`,
    )) as Row[];
    return rows.map(fromRow);
  }

  async request(accountId: string, role: string, reason: string, seconds: number): Promise<RequestOutcome> {
    return this.db.transaction(async (em): Promise<RequestOutcome> => {
      await lockAccount(em, accountId);
      const running = (await em.query(
        `SELECT e.approved_at FROM escalations e WHERE e.account_id = $1 AND (${PENDING} OR ${ACTIVE})`,
        [accountId],
      )) as { approved_at: Date | null }[];
      if (running.some((r) => r.approved_at)) return { kind: "already_escalated" };
      if (running.length > 0) return { kind: "already_requested" };
      const id = randomUUID();
      await em.query(
        `INSERT INTO escalations (id, account_id, role, reason, seconds, expires_at) VALUES ($1, $2, $3, $4, $5, NULL)`,
        [id, accountId, role, reason, seconds],
      );
      return { kind: "requested", escalation: (await this.find(`e.id = $1`, [id], em))! };
    });
  }

  async approve(id: string, approverId: string, defaultSeconds: number): Promise<ApprovalOutcome> {
    return this.db.transaction(async (em): Promise<ApprovalOutcome> => {
      const request = await this.find(`e.id = $1`, [id], em);
      if (!request) return { kind: "missing" };
      await lockAccount(em, request.accountId);
      const running = (await em.query(`SELECT 1 FROM escalations e WHERE e.account_id = $1 AND ${ACTIVE}`, [
        request.accountId,
      ])) as unknown[];
      if (running.length > 0) return { kind: "already_escalated", username: request.username };
      const claimed = returnedRows(
        await em.query(
          `UPDATE escalations e SET approved_at = now(), approved_by = $2, decided_by = $2, started_at = now(),
                  expires_at = now() + make_interval(secs => coalesce(e.seconds, $3))
            WHERE e.id = $1 AND ${PENDING} RETURNING e.id`,
          [id, approverId, defaultSeconds],
        ),
      );
      if (claimed.length === 0) return { kind: "already_decided" };
      return { kind: "approved", escalation: (await this.find(`e.id = $1`, [id], em))! };
    });
  }

  async reject(id: string, deciderId: string): Promise<boolean> {
    const claimed = returnedRows(
      await this.db.query(
        `UPDATE escalations e SET ended_at = now(), decided_by = $2 WHERE e.id = $1 AND ${PENDING} RETURNING e.id`,
        [id, deciderId],
      ),
    );
    return claimed.length > 0;
  }

  async end(id: string): Promise<void> {
    await this.db.query(`UPDATE escalations SET ended_at = now() WHERE id = $1 AND ended_at IS NULL`, [id]);
  }

  private async find(where: string, params: unknown[], em?: EntityManager): Promise<Escalation | null> {
    const rows = (await (em ?? this.db).query(
      `SELECT ${COLUMNS} FROM escalations e JOIN accounts a ON a.id = e.account_id
        WHERE ${where} ORDER BY e.started_at DESC LIMIT 1`,
      params,
    )) as Row[];
    return rows[0] ? fromRow(rows[0]) : null;
  }
}

/** One request or approval at a time per account, also across processes. */
async function lockAccount(em: EntityManager, accountId: string): Promise<void> {
  await em.query(`SELECT id FROM accounts WHERE id = $1 FOR UPDATE`, [accountId]);
}

function fromRow(row: Row): Escalation {
  return {
    id: row.id,
    accountId: row.account_id,
    username: row.username,
    role: row.role,
    reason: row.reason,
    status: row.approved_at ? "active" : "pending",
    startedAt: new Date(row.started_at),
    expiresAt: row.expires_at ? new Date(row.expires_at) : null,
    approvedBy: row.approved_by_name,
  };
}
