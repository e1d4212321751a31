import type { DataSource } from "typeorm";
import { returnedRows } from "./sql.js";
import type { TotpState, TotpStore } from "../ports/TotpStore.js";

export class TypeormTotpStore implements TotpStore {
  constructor(private readonly db: DataSource) {}

  async state(accountId: string): Promise<TotpState | undefined> {
    const row = (
      (await this.db.query(`SELECT totp_secret, totp_enabled_at FROM accounts WHERE id = $1`, [
        accountId,
      ])) as { totp_secret: string | null; totp_enabled_at: Date | string | null }[]
    )[0];
    if (!row) return undefined;
    return {
      secret: row.totp_secret,
      enabledAt: row.totp_enabled_at ? new Date(row.totp_enabled_at) : null,
    };
  }

  async beginEnrolment(accountId: string, secret: string): Promise<void> {
    await this.db.query(
      `UPDATE accounts SET totp_secret = $2, totp_last_step = NULL WHERE id = $1 AND totp_enabled_at IS NULL`,
      [accountId, secret],
    );
  }

  async enable(accountId: string, secret: string, step: number): Promise<boolean> {
    const done = returnedRows(
      await this.db.query(
        `UPDATE accounts SET totp_enabled_at = now(), totp_last_step = $3
          WHERE id = $1 AND totp_secret = $2 AND totp_enabled_at IS NULL RETURNING id`,
        [accountId, secret, step],
      ),
    );
    return done.length > 0;
  }

  async useStep(accountId: string, step: number): Promise<boolean> {
    const used = returnedRows(
      await this.db.query(
        `UPDATE accounts SET totp_last_step = $2
          WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2) RETURNING id`,
        [accountId, step],
      ),
    );
    return used.length > 0;
  }

  async plainSecrets(sealedPrefix: string): Promise<{ accountId: string; secret: string }[]> {
    const rows = (await this.db.query(
      `SELECT id, totp_secret FROM accounts WHERE totp_secret IS NOT NULL AND NOT starts_with(totp_secret, $1)`,
      [sealedPrefix],
    )) as { id: string; totp_secret: string }[];
    return rows.map((r) => ({ accountId: r.id, secret: r.totp_secret }));
  }

  async replaceSecret(accountId: string, from: string, to: string): Promise<void> {
    await this.db.query(`UPDATE accounts SET totp_secret = $3 WHERE id = $1 AND totp_secret = $2`, [
      accountId,
      from,
      to,
    ]);
  }
}
