import { randomUUID } from "node:crypto";
import type { DataSource } from "typeorm";
import { conflict, forbidden, notFound } from "../util/errors.js";
import { returnedRows } from "../persistence/sql.js";
import { nextTier } from "./permissions.js";

export interface Escalation {
  id: string;
  role: string;
  reason: string;
  startedAt: Date;
  expiresAt: Date;
}

/**
 * Temporary GM escalation: a tier-1 or tier-2 GM takes the next tier for a
 * while (issue #5 point 7). Nothing runs on a timer: permission checks only
 * count escalations whose `expires_at` is still ahead, so one ends by itself
 * on every process at the same moment.
 */
export class Escalations {
  constructor(
    private readonly db: DataSource,
    private readonly defaultSeconds: number,
  ) {}

  async active(accountId: string): Promise<Escalation | null> {
    const row = (
      await this.db.query(
        `SELECT id, role, reason, started_at, expires_at FROM escalations
          WHERE account_id = $1 AND ended_at IS NULL AND expires_at > now()
          ORDER BY expires_at DESC LIMIT 1`,
        [accountId],
      )
    )[0] as { id: string; role: string; reason: string; started_at: Date; expires_at: Date } | undefined;
    return row
      ? {
          id: row.id,
          role: row.role,
          reason: row.reason,
          startedAt: new Date(row.started_at),
          expiresAt: new Date(row.expires_at),
        }
      : null;
  }

  /** `roles`: the account's own roles (without any escalation). */
  async start(
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
      // One at a time per account, also across processes.
      await em.query(`SELECT id FROM accounts WHERE id = $1 FOR UPDATE`, [accountId]);
      const running = (await em.query(
        `SELECT 1 FROM escalations WHERE account_id = $1 AND ended_at IS NULL AND expires_at > now()`,
        [accountId],
      )) as unknown[];
      if (running.length > 0)
        throw conflict("already_escalated", "An escalation is already running; end it first");
      const id = randomUUID();
      const rows = (await em.query(
        `INSERT INTO escalations (id, account_id, role, reason, expires_at)
         VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))
         RETURNING started_at, expires_at`,
        [id, accountId, role, reason, seconds],
      )) as { started_at: Date; expires_at: Date }[];
      return {
        id,
        role,
        reason,
        startedAt: new Date(rows[0]!.started_at),
        expiresAt: new Date(rows[0]!.expires_at),
      };
    });
  }

  async end(accountId: string): Promise<Escalation> {
    const rows = returnedRows<{
      id: string;
      role: string;
      reason: string;
      started_at: Date;
      expires_at: Date;
    }>(
      await this.db.query(
        `UPDATE escalations SET ended_at = now()
          WHERE account_id = $1 AND ended_at IS NULL AND expires_at > now()
          RETURNING id, role, reason, started_at, expires_at`,
        [accountId],
      ),
    );
    const row = rows[0];
    if (!row) throw notFound("No escalation is running");
    return {
      id: row.id,
      role: row.role,
      reason: row.reason,
      startedAt: new Date(row.started_at),
      expiresAt: new Date(row.expires_at),
    };
  }
}
