import type { DataSource } from "typeorm";
import { returnedRows } from "./sql.js";
import type { GmActionRow, GmActionStore, NewGmAction, StoredInverse } from "../ports/GmActionStore.js";

export class TypeormGmActionStore implements GmActionStore {
  constructor(private readonly db: DataSource) {}

  async record(row: NewGmAction): Promise<void> {
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

  async get(id: string): Promise<GmActionRow | undefined> {
    const row = (
      (await this.db.query(`SELECT * FROM gm_actions WHERE id = $1`, [id])) as Record<string, unknown>[]
    )[0];
    if (!row) return undefined;
    return {
      id: String(row.id),
      command: String(row.command),
      args: row.args as string[],
      actor: String(row.actor),
      target: (row.target as string | null) ?? null,
      inverse: (row.inverse as StoredInverse | null) ?? null,
      replayable: Boolean(row.replayable),
      createdAt: new Date(row.created_at as string),
      reversedAt: row.reversed_at ? new Date(row.reversed_at as string) : null,
      reversedBy: (row.reversed_by as string | null) ?? null,
    };
  }

  async claimReversal(id: string): Promise<boolean> {
    const claimed = returnedRows(
      await this.db.query(
        `UPDATE gm_actions SET reversed_at = now() WHERE id = $1 AND reversed_at IS NULL RETURNING id`,
        [id],
      ),
    );
    return claimed.length > 0;
  }

  async releaseReversal(id: string): Promise<void> {
    await this.db.query(`UPDATE gm_actions SET reversed_at = NULL, reversed_by = NULL WHERE id = $1`, [id]);
  }

  async setReversedBy(id: string, by: string): Promise<void> {
    await this.db.query(`UPDATE gm_actions SET reversed_by = $2 WHERE id = $1`, [id, by]);
  }

  async reversalWaitingFor(approvalId: string): Promise<string | undefined> {
    const row = (
      (await this.db.query(`SELECT id FROM gm_actions WHERE reversed_by = $1`, [approvalId])) as {
        id: string;
      }[]
    )[0];
    return row?.id;
  }

  async soloArgs(command: string, actorId: string, target: string, hours: number): Promise<string[][]> {
    const rows = (await this.db.query(
      `SELECT a.args FROM gm_actions a
        WHERE a.command = $3 AND a.actor_id = $1 AND lower(a.target) = lower($2)
          AND a.reversed_at IS NULL
          AND a.created_at > now() - make_interval(hours => $4)
          AND NOT EXISTS (SELECT 1 FROM gm_approvals p WHERE p.action_id = a.id)
        LIMIT 10000`,
      [actorId, target, command, hours],
    )) as { args: string[] }[];
    return rows.map((r) => r.args);
  }
}
