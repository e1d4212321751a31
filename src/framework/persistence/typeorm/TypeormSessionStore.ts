import type { DataSource } from "typeorm";
import { Account } from "../../../../entities/Account.js";
import { Session } from "../../../../entities/Session.js";
import type {
  NewSession,
  Rotation,
  RotationOutcome,
  SessionCheck,
  SessionStore,
} from "../ports/SessionStore.js";

interface CheckRow {
  username: string;
  roles: string[];
  token_version: number;
  banned_until: Date | string | null;
  ban_reason: string | null;
  muted_until: Date | string | null;
  mute_reason: string | null;
  revoked_at: Date | string | null;
  expires_at: Date | string;
  mfa_at: Date | string | null;
  totp_enabled_at: Date | string | null;
  has_grants: boolean;
}

const date = (v: Date | string | null): Date | null => (v === null ? null : new Date(v));

export class TypeormSessionStore implements SessionStore {
  constructor(private readonly db: DataSource) {}

  async open(s: NewSession): Promise<void> {
    await this.db.query(
      `INSERT INTO sessions (id, account_id, refresh_hash, expires_at, ip, user_agent, mfa_at)
       VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $7 THEN now() ELSE NULL END)`,
      [s.id, s.accountId, s.refreshHash, s.expiresAt, s.ip, s.userAgent, s.mfa],
    );
  }

  async rotate(r: Rotation): Promise<RotationOutcome> {
    return this.db.transaction(async (tx): Promise<RotationOutcome> => {
      const session = await tx
        .getRepository(Session)
        .createQueryBuilder("s")
        .setLock("pessimistic_write")
        .where("s.id = :id", { id: r.sessionId })
        .getOne();
      if (!session || session.revokedAt || session.expiresAt <= new Date()) return { kind: "gone" };
      if (!r.matches(session.refreshHash)) {
        await tx
          .getRepository(Session)
          .update(session.id, { revokedAt: new Date(), revokedReason: "refresh_reuse" });
        return { kind: "reused", accountId: session.accountId, sessionId: session.id };
      }
      const account = await tx.getRepository(Account).findOneBy({ id: session.accountId });
      if (!account) return { kind: "no_account" };
      r.admit(account);
      await tx.getRepository(Session).update(session.id, {
        refreshHash: r.refreshHash,
        rotations: session.rotations + 1,
        expiresAt: r.expiresAt,
      });
      return { kind: "rotated", sessionId: session.id, account };
    });
  }

  async revoke(sessionId: string, reason: string): Promise<void> {
    await this.db
      .getRepository(Session)
      .update({ id: sessionId }, { revokedAt: new Date(), revokedReason: reason });
  }

  async markMfa(sessionId: string): Promise<void> {
    await this.db.query(`UPDATE sessions SET mfa_at = now() WHERE id = $1`, [sessionId]);
  }

  async check(sessionId: string, accountId: string): Promise<SessionCheck | undefined> {
    const row = (
      (await this.db.query(
        `SELECT a.username, a.roles, a.token_version, a.banned_until, a.ban_reason, a.muted_until, a.mute_reason,
                s.revoked_at, s.expires_at, s.mfa_at, a.totp_enabled_at,
                EXISTS (SELECT 1 FROM account_permission_overrides o
                         WHERE o.account_id = a.id AND o.effect = 'grant') AS has_grants
           FROM sessions s JOIN accounts a ON a.id = s.account_id
          WHERE s.id = $1 AND a.id = $2`,
        [sessionId, accountId],
      )) as CheckRow[]
    )[0];
    if (!row) return undefined;
    return {
      username: row.username,
      roles: row.roles,
      tokenVersion: row.token_version,
      bannedUntil: date(row.banned_until),
      banReason: row.ban_reason,
      mutedUntil: date(row.muted_until),
      muteReason: row.mute_reason,
      revokedAt: date(row.revoked_at),
      expiresAt: new Date(row.expires_at),
      mfaAt: date(row.mfa_at),
      totpEnabledAt: date(row.totp_enabled_at),
      hasGrants: row.has_grants,
    };
  }
}
