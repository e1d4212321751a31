import type { DataSource } from "typeorm";
import type { z } from "zod";
import { returnedRows } from "../persistence/sql.js";
import { conflict, notFound } from "../util/errors.js";
import { GIVE_BUDGET_HOURS, type Inverse } from "./Command.js";

export interface GmActionRow {
  id: string;
  command: string;
  args: string[];
  actor: string;
  target: string | null;
  inverse: Inverse | null;
  replayable: boolean;
  createdAt: Date;
  reversedAt: Date | null;
  /** The action that undid it; while that waits for a second GM, the approval's id. */
  reversedBy: string | null;
}

export interface ApprovalRow {
  id: string;
  command: string;
  args: string[];
  requestedBy: string;
  requestedByName: string;
  status: string;
}

/**
 * The tables behind the registry: `gm_actions` (what was done, what undoes
 * it, whether it was reversed) and `gm_approvals` (what waits for a second GM).
 */
export class GmActions {
  constructor(private readonly db: DataSource) {}

  async record(row: {
    id: string;
    command: string;
    args: string[];
    actorId: string;
    actor: string;
    target: string | null;
    inverse: Inverse | null;
    replayable: boolean;
  }): Promise<void> {
    await this.db.query(
      `INSERT INTO gm_actions (id, command, args, actor_id, actor, target, inverse, replayable)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        row.id,
        row.command,
        JSON.stringify(row.args),
        row.actorId,
        row.actor,
        row.target,
        row.inverse ? JSON.stringify(row.inverse) : null,
        row.replayable,
      ],
    );
  }

  async get(id: string): Promise<GmActionRow> {
    const row = (await this.db.query(`SELECT * FROM gm_actions WHERE id = $1`, [id]))[0] as
      Record<string, unknown> | undefined;
    if (!row) throw notFound(`No GM action ${id}`);
    return {
      id: String(row.id),
      command: String(row.command),
      args: row.args as string[],
      actor: String(row.actor),
      target: (row.target as string | null) ?? null,
      inverse: (row.inverse as Inverse | null) ?? null,
      replayable: Boolean(row.replayable),
      createdAt: new Date(row.created_at as string),
      reversedAt: row.reversed_at ? new Date(row.reversed_at as string) : null,
      reversedBy: (row.reversed_by as string | null) ?? null,
    };
  }

  /** Marks the action reversed before its inverse runs, so two reversals cannot both pass. */
  async claimReversal(id: string): Promise<void> {
    const claimed = returnedRows(
      await this.db.query(
        `UPDATE gm_actions SET reversed_at = now() WHERE id = $1 AND reversed_at IS NULL RETURNING id`,
        [id],
      ),
    );
    if (claimed.length === 0) throw conflict("already_reversed", `Action ${id} was already reversed`);
  }

  async releaseReversal(id: string): Promise<void> {
    await this.db.query(`UPDATE gm_actions SET reversed_at = NULL, reversed_by = NULL WHERE id = $1`, [id]);
  }

  async setReversedBy(id: string, by: string): Promise<void> {
    await this.db.query(`UPDATE gm_actions SET reversed_by = $2 WHERE id = $1`, [id, by]);
  }

  /** The action whose reversal waits for this approval, if any. */
  async reversalWaitingFor(approvalId: string): Promise<string | undefined> {
    const row = (await this.db.query(`SELECT id FROM gm_actions WHERE reversed_by = $1`, [approvalId]))[0] as
      { id: string } | undefined;
    return row?.id;
  }

  /**
   * Units of `itemId` this actor gave this character alone (not run under an
   * approval) within the budget window and not reversed; `parse` reads a
   * give's arguments as the command does.
   */
  async soloGiven(
    actorId: string,
    target: string,
    itemId: string,
    parse: z.ZodType<unknown, string[]>,
  ): Promise<number> {
    const rows = (await this.db.query(
      `SELECT a.args FROM gm_actions a
        WHERE a.command = 'give' AND a.actor_id = $1 AND lower(a.target) = lower($2)
          AND a.reversed_at IS NULL
          AND a.created_at > now() - make_interval(hours => ${GIVE_BUDGET_HOURS})
          AND NOT EXISTS (SELECT 1 FROM gm_approvals p WHERE p.action_id = a.id)
        LIMIT 10000`,
      [actorId, target],
    )) as { args: string[] }[];
    let total = 0;
    for (const { args } of rows) {
      const parsed = parse.safeParse(args);
      const give = parsed.success ? (parsed.data as { itemId?: string; quantity?: number }) : undefined;
      if (give?.itemId === itemId) total += give.quantity ?? 0;
    }
    return total;
  }

  async queueApproval(a: {
    id: string;
    command: string;
    args: string[];
    requestedBy: string;
    requestedByName: string;
    reason: string;
  }): Promise<void> {
    await this.db.query(
      `INSERT INTO gm_approvals (id, command, args, requested_by, requested_by_name, reason)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [a.id, a.command, JSON.stringify(a.args), a.requestedBy, a.requestedByName, a.reason],
    );
  }

  async approval(id: string): Promise<ApprovalRow> {
    const row = (await this.db.query(`SELECT * FROM gm_approvals WHERE id = $1`, [id]))[0] as
      | {
          command: string;
          args: string[];
          requested_by: string;
          requested_by_name: string;
          status: string;
        }
      | undefined;
    if (!row) throw notFound(`No approval ${id}`);
    return {
      id,
      command: row.command,
      args: row.args,
      requestedBy: row.requested_by,
      requestedByName: row.requested_by_name,
      status: row.status,
    };
  }

  async approvals(status = "pending"): Promise<unknown[]> {
    return (await this.db.query(
      `SELECT id, command, args, requested_by_name AS "requestedBy", reason, status, created_at AS "createdAt",
              decided_at AS "decidedAt", action_id AS "actionId"
         FROM gm_approvals WHERE status = $1 ORDER BY created_at DESC LIMIT 200`,
      [status],
    )) as unknown[];
  }

  /** Decides a pending approval, once. */
  async decideApproval(id: string, approve: boolean, deciderId: string): Promise<void> {
    const claimed = returnedRows(
      await this.db.query(
        `UPDATE gm_approvals SET status = $2, decided_by = $3, decided_at = now()
          WHERE id = $1 AND status = 'pending' RETURNING id`,
        [id, approve ? "approved" : "rejected", deciderId],
      ),
    );
    if (claimed.length === 0) throw conflict("already_decided", `Approval ${id} was already decided`);
  }

  async setApprovalAction(id: string, actionId: string): Promise<void> {
    await this.db.query(`UPDATE gm_approvals SET action_id = $2 WHERE id = $1`, [id, actionId]);
  }
}
