import { randomUUID } from "node:crypto";
import type { DataSource, EntityManager } from "typeorm";
import { conflict, forbidden, notFound } from "../util/errors.js";
import { returnedRows } from "../persistence/sql.js";
import { nextTier } from "./permissions.js";

export type EscalationStatus = "pending" | "active";

export interface Escalation {
  id: string;
  accountId: string;
  username: string;
  role: string;
  reason: string;
  status: EscalationStatus;
  /** When it was asked for (pending) or approved (active). */
  startedAt: Date;
  /** Null while pending. */
  expiresAt: Date | null;
  approvedBy: string | null;
}

/** A request nobody approved within this long lapses. */
const PENDING_SECONDS = 3600;

const COLUMNS = `e.id, e.account_id, a.username, e.role, e.reason, e.started_at, e.expires_at, e.approved_at,
                 (SELECT username FROM accounts b WHERE b.id = e.approved_by) AS approved_by_name`;
const PENDING = `e.approved_at IS NULL AND e.ended_at IS NULL
                 AND e.started_at > now() - make_interval(secs => ${PENDING_SECONDS})`;
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

/**
 * Temporary GM escalation: a tier-1 or tier-2 GM asks for the next tier, and
 * gets it for a while only once a second person who holds that tier approves
 * (the route checks who may). Nothing runs on a timer: permission checks only
 * count approved escalations whose `expires_at` is still ahead, so one ends by
 * itself on every process at the same moment.
 */
export class Escalations {
  constructor(
    private readonly db: DataSource,
    private readonly defaultSeconds: number,
  ) {}

  async active(accountId: string): Promise<Escalation | null> {
    return this.find(`e.account_id = $1 AND ${ACTIVE}`, [accountId]);
  }

  async byId(id: string): Promise<Escalation> {
    const found = await this.find(`e.id = $1 AND (${PENDING} OR ${ACTIVE})`, [id]);
    if (!found) throw notFound(`No pending or running escalation ${id}`);
    return found;
  }

  async pending(): Promise<Escalation[]> {
    const rows = (await this.db.query(
      `SELECT ${COLUMNS} FROM escalations e JOIN accounts a ON a.id = e.account_id
        WHERE ${PENDING} ORDER BY e.started_at LIMIT 200`,
    )) as Row[];
    return rows.map(fromRow);
  }

  /** `roles`: the account's own roles (without any escalation). */
  async request(
    accountId: string,
    roles: string[],
    reason: string,
    seconds = this.defaultSeconds,
  ): Promise<Escalation> {
    const role = nextTier(roles);
    if (!role) {
      throw forbidden(
        "cannot_escalate",
        roles.includes("gm_tier3")
          ? "gm_tier3 is the highest tier"
          : "Only gm_tier1 and gm_tier2 GMs can escalate",
      );
    }
    return this.db.transaction(async (em) => {
      await this.lockAccount(em, accountId);
      const running = (await em.query(
        `SELECT e.approved_at FROM escalations e WHERE e.account_id = $1 AND (${PENDING} OR ${ACTIVE})`,
        [accountId],
      )) as { approved_at: Date | null }[];
      if (running.some((r) => r.approved_at))
        throw conflict("already_escalated", "An escalation is already running; end it first");
      if (running.length > 0)
        throw conflict("already_requested", "An escalation request is already waiting for approval");
      const id = randomUUID();
      await em.query(
        `INSERT INTO escalations (id, account_id, role, reason, seconds, expires_at) VALUES ($1, $2, $3, $4, $5, NULL)`,
        [id, accountId, role, reason, seconds],
      );
      return (await this.find(`e.id = $1`, [id], em))!;
    });
  }

  /** Starts a pending escalation, once; the caller has checked that `approverId` may approve it. */
  async approve(id: string, approverId: string): Promise<Escalation> {
    return this.db.transaction(async (em) => {
      const request = await this.find(`e.id = $1`, [id], em);
      if (!request) throw notFound(`No escalation ${id}`);
      await this.lockAccount(em, request.accountId);
      const running = (await em.query(`SELECT 1 FROM escalations e WHERE e.account_id = $1 AND ${ACTIVE}`, [
        request.accountId,
      ])) as unknown[];
      if (running.length > 0) throw conflict("already_escalated", `${request.username} is already escalated`);
      const claimed = returnedRows(
        await em.query(
          `UPDATE escalations e SET approved_at = now(), approved_by = $2, decided_by = $2, started_at = now(),
                  expires_at = now() + make_interval(secs => coalesce(e.seconds, $3))
            WHERE e.id = $1 AND ${PENDING} RETURNING e.id`,
          [id, approverId, this.defaultSeconds],
        ),
      );
      if (claimed.length === 0) throw conflict("already_decided", `Escalation ${id} is no longer pending`);
      return (await this.find(`e.id = $1`, [id], em))!;
    });
  }

  async reject(id: string, deciderId: string): Promise<Escalation> {
    const request = await this.byId(id);
    const claimed = returnedRows(
      await this.db.query(
        `UPDATE escalations e SET ended_at = now(), decided_by = $2 WHERE e.id = $1 AND ${PENDING} RETURNING e.id`,
        [id, deciderId],
      ),
    );
    if (claimed.length === 0) throw conflict("already_decided", `Escalation ${id} is no longer pending`);
    return request;
  }

  /** Ends the account's running escalation, or withdraws its pending request. */
  async end(accountId: string): Promise<Escalation> {
    const current =
      (await this.find(`e.account_id = $1 AND ${ACTIVE}`, [accountId])) ??
      (await this.find(`e.account_id = $1 AND ${PENDING}`, [accountId]));
    if (!current) throw notFound("No escalation is running or waiting");
    await this.db.query(`UPDATE escalations SET ended_at = now() WHERE id = $1 AND ended_at IS NULL`, [
      current.id,
    ]);
    return current;
  }

  private async lockAccount(em: EntityManager, accountId: string): Promise<void> {
    // One request or approval at a time per account, also across processes.
    await em.query(`SELECT id FROM accounts WHERE id = $1 FOR UPDATE`, [accountId]);
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
