import type { DataSource } from "typeorm";
import { returnedRows } from "./sql.js";
import type { ApprovalListing, ApprovalRow, ApprovalStore, NewApproval } from "../ports/ApprovalStore.js";

export class TypeormApprovalStore implements ApprovalStore {
  constructor(private readonly db: DataSource) {}

  async queue(a: NewApproval): Promise<void> {
    await this.db.query(
      `INSERT INTO gm_approvals (id, command, args, requested_by, requested_by_name, reason)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [a.id, a.command, JSON.stringify(a.args), a.requestedBy, a.requestedByName, a.reason],
    );
  }

  async get(id: string): Promise<ApprovalRow | undefined> {
    const row = (
      (await this.db.query(`SELECT * FROM gm_approvals WHERE id = $1`, [id])) as {
        command: string;
        args: string[];
        requested_by: string;
        requested_by_name: string;
        status: string;
      }[]
    )[0];
    if (!row) return undefined;
    return {
      id,
      command: row.command,
      args: row.args,
      requestedBy: row.requested_by,
      requestedByName: row.requested_by_name,
      status: row.status,
    };
  }

  async list(status: string): Promise<ApprovalListing[]> {
    return (await this.db.query(
      `SELECT id, command, args, requested_by_name AS "requestedBy", reason, status, created_at AS "createdAt",
              decided_at AS "decidedAt", action_id AS "actionId"
         FROM gm_approvals WHERE status = $1 ORDER BY created_at DESC LIMIT 200`,
      [status],
    )) as ApprovalListing[];
  }

  async decide(id: string, approve: boolean, deciderId: string): Promise<boolean> {
    const claimed = returnedRows(
      await this.db.query(
        `UPDATE gm_approvals SET status = $2, decided_by = $3, decided_at = now()
          WHERE id = $1 AND status = 'pending' RETURNING id`,
        [id, approve ? "approved" : "rejected", deciderId],
      ),
    );
    return claimed.length > 0;
  }

  async setAction(id: string, actionId: string): Promise<void> {
    await this.db.query(`UPDATE gm_approvals SET action_id = $2 WHERE id = $1`, [id, actionId]);
  }
}
