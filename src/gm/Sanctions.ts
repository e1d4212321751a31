import type { DataSource } from "typeorm";
import type { ClusterBus } from "../cluster/ClusterBus.js";
import { CloseCodes } from "../framework/contract/closeCodes.js";
import { notFound } from "../util/errors.js";

/** Far enough to never end; one comparison (`until > now`) then covers timed and permanent. */
export const PERMANENT = new Date("9999-12-31T00:00:00.000Z");

export interface SanctionState {
  until: Date | null;
  reason: string | null;
}

export interface AccountRef {
  id: string;
  username: string;
}

/**
 * Bans and mutes, on accounts (a player cannot dodge them with another
 * character). A ban ends the account's sessions and closes its connections on
 * every process with 4103; a mute is pushed to every room so chat stops at once.
 */
export class Sanctions {
  constructor(
    private readonly db: DataSource,
    private readonly bus: ClusterBus,
  ) {}

  /** The account with this username (case-insensitive); 404 otherwise. Never a character's name. */
  async byUsername(username: string): Promise<AccountRef> {
    const row = (
      await this.db.query(`SELECT id, username FROM accounts WHERE lower(username) = lower($1)`, [username])
    )[0] as AccountRef | undefined;
    if (!row) throw notFound(`No account named "${username}"`);
    return row;
  }

  async accountById(id: string): Promise<AccountRef> {
    const row = (await this.db.query(`SELECT id, username FROM accounts WHERE id = $1`, [id]))[0] as
      AccountRef | undefined;
    if (!row) throw notFound(`No account ${id}`);
    return row;
  }

  async banState(accountId: string): Promise<SanctionState> {
    return this.state(accountId, "banned_until", "ban_reason");
  }

  async muteState(accountId: string): Promise<SanctionState> {
    return this.state(accountId, "muted_until", "mute_reason");
  }

  /** Returns what it replaced. `until` null lifts the ban. */
  async setBan(accountId: string, until: Date | null, reason: string | null): Promise<SanctionState> {
    const previous = await this.banState(accountId);
    await this.db.transaction(async (em) => {
      await em.query(`UPDATE accounts SET banned_until = $2, ban_reason = $3 WHERE id = $1`, [
        accountId,
        until,
        until ? reason : null,
      ]);
      if (until) {
        // A banned player logs in again once the ban is over; nothing issued before it survives.
        await em.query(
          `UPDATE sessions SET revoked_at = now(), revoked_reason = 'banned'
            WHERE account_id = $1 AND revoked_at IS NULL`,
          [accountId],
        );
      }
    });
    if (until && until > new Date()) {
      this.bus.publish("mxo:revocations", { accountId, sessionId: null, code: CloseCodes.BANNED });
    }
    return previous;
  }

  async setMute(accountId: string, until: Date | null, reason: string | null): Promise<SanctionState> {
    const previous = await this.muteState(accountId);
    await this.db.query(`UPDATE accounts SET muted_until = $2, mute_reason = $3 WHERE id = $1`, [
      accountId,
      until,
      until ? reason : null,
    ]);
    this.bus.publish("mxo:mutes", {
      accountId,
      until: until ? until.getTime() : null,
      reason: until ? reason : null,
    });
    return previous;
  }

  private async state(accountId: string, untilCol: string, reasonCol: string): Promise<SanctionState> {
    const row = (
      await this.db.query(`SELECT ${untilCol} AS until, ${reasonCol} AS reason FROM accounts WHERE id = $1`, [
        accountId,
      ])
    )[0] as { until: Date | string | null; reason: string | null } | undefined;
    if (!row) throw notFound(`No account ${accountId}`);
    const until = row.until ? new Date(row.until) : null;
    // An expired sanction is no sanction: reversing to it must not resurrect it.
    return until && until > new Date() ? { until, reason: row.reason } : { until: null, reason: null };
  }
}
