import type { DataSource } from "typeorm";
import { returnedRows } from "./sql.js";
import type {
  AccountKey,
  LockoutPolicy,
  LockoutStore,
  LoginCandidate,
  Reservation,
} from "../ports/LockoutStore.js";

interface Row {
  id: string;
  username: string;
  password_hash: string;
  roles: string[];
  token_version: number;
  banned_until: Date | string | null;
  ban_reason: string | null;
  totp_secret: string | null;
  totp_enabled_at: Date | string | null;
  failed_login_count: number;
}

/** The WHERE clause that finds the account, with its value as $1. */
function match(who: AccountKey): [string, string] {
  return "username" in who ? [`lower(username) = lower($1)`, who.username] : [`id = $1`, who.id];
}

/**
 * Each guess takes its place with one UPDATE: row-locked, so atomic across
 * requests and processes.
 */
export class TypeormLockoutStore implements LockoutStore {
  constructor(private readonly db: DataSource) {}

  async reserve(who: AccountKey, policy: LockoutPolicy): Promise<Reservation | undefined> {
    const [where, value] = match(who);
    // An expired lock starts a new run at 1.
    const next = `CASE WHEN locked_until IS NOT NULL AND locked_until <= now() THEN 1 ELSE failed_login_count + 1 END`;
    const rows = returnedRows<Row>(
      await this.db.query(
        `UPDATE accounts SET
           failed_login_count = ${next},
           locked_until = CASE WHEN ${next} >= $2 THEN now() + make_interval(secs => $3) ELSE NULL END
         WHERE ${where} AND (locked_until IS NULL OR locked_until <= now())
         RETURNING id, username, password_hash, roles, token_version, banned_until, ban_reason,
                   totp_secret, totp_enabled_at, failed_login_count`,
        [value, policy.maxFailures, policy.lockSeconds],
      ),
    );
    const row = rows[0];
    return row ? { account: candidate(row), position: row.failed_login_count } : undefined;
  }

  async lockedUntil(who: AccountKey): Promise<{ until: Date | null } | undefined> {
    const [where, value] = match(who);
    const row = (
      (await this.db.query(`SELECT locked_until FROM accounts WHERE ${where}`, [value])) as {
        locked_until: Date | string | null;
      }[]
    )[0];
    if (!row) return undefined;
    return { until: row.locked_until ? new Date(row.locked_until) : null };
  }

  async succeeded(accountId: string, position: number, maxFailures: number): Promise<void> {
    await this.db.query(
      `UPDATE accounts SET
         failed_login_count = greatest(failed_login_count - $2, 0),
         locked_until = CASE WHEN greatest(failed_login_count - $2, 0) < $3 THEN NULL ELSE locked_until END,
         last_login_at = now()
       WHERE id = $1`,
      [accountId, position, maxFailures],
    );
  }

  async release(accountId: string, maxFailures: number): Promise<void> {
    await this.db.query(
      `UPDATE accounts SET
         failed_login_count = greatest(failed_login_count - 1, 0),
         locked_until = CASE WHEN greatest(failed_login_count - 1, 0) < $2 THEN NULL ELSE locked_until END
       WHERE id = $1`,
      [accountId, maxFailures],
    );
  }
}

function candidate(row: Row): LoginCandidate {
  return {
    id: row.id,
    username: row.username,
    passwordHash: row.password_hash,
    roles: row.roles,
    tokenVersion: row.token_version,
    bannedUntil: row.banned_until ? new Date(row.banned_until) : null,
    banReason: row.ban_reason,
    totpSecret: row.totp_secret,
    totpEnabledAt: row.totp_enabled_at ? new Date(row.totp_enabled_at) : null,
  };
}
