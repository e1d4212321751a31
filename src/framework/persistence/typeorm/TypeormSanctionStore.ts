import type { DataSource } from "typeorm";
import type { SanctionKind, SanctionStore, StoredSanction } from "../ports/SanctionStore.js";

const COLUMNS: Record<SanctionKind, { until: string; reason: string }> = {
  ban: { until: "banned_until", reason: "ban_reason" },
  mute: { until: "muted_until", reason: "mute_reason" },
};

export class TypeormSanctionStore implements SanctionStore {
  constructor(private readonly db: DataSource) {}

  async get(accountId: string, kind: SanctionKind): Promise<StoredSanction | undefined> {
    const { until, reason } = COLUMNS[kind];
    const row = (
      (await this.db.query(`SELECT ${until} AS until, ${reason} AS reason FROM accounts WHERE id = $1`, [
        accountId,
      ])) as { until: Date | string | null; reason: string | null }[]
    )[0];
    if (!row) return undefined;
    return { until: row.until ? new Date(row.until) : null, reason: row.reason };
  }

  async setBan(accountId: string, until: Date | null, reason: string | null): Promise<void> {
    await this.db.transaction(async (em) => {
      await em.query(`UPDATE accounts SET banned_until = $2, ban_reason = $3 WHERE id = $1`, [
        accountId,
        until,
        reason,
      ]);
      if (until) {
        await em.query(
          `UPDATE sessions SET revoked_at = now(), revoked_reason = 'banned'
            WHERE account_id = $1 AND revoked_at IS NULL`,
          [accountId],
        );
      }
    });
  }

  async setMute(accountId: string, until: Date | null, reason: string | null): Promise<void> {
    await this.db.query(`UPDATE accounts SET muted_until = $2, mute_reason = $3 WHERE id = $1`, [
      accountId,
      until,
      reason,
    ]);
  }
}
