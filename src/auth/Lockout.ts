import type { DataSource } from "typeorm";
import { returnedRows } from "../persistence/sql.js";
import { AppError } from "../util/errors.js";

/** What a password check needs to know about the account, read in the same statement that reserves the guess. */
export interface LoginCandidate {
  id: string;
  username: string;
  passwordHash: string;
  roles: string[];
  tokenVersion: number;
  bannedUntil: Date | null;
  banReason: string | null;
  totpSecret: string | null;
  totpEnabledAt: Date | null;
}

/** A guess allowed to run: `position` is its place in the current run of failures (1-based). */
export interface Reservation {
  account: LoginCandidate;
  position: number;
}

export interface LockoutPolicy {
  maxFailures: number;
  lockSeconds: number;
}

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

/**
 * Failed logins in a row, counted in the database before any password is
 * checked: each guess first takes a place with one UPDATE (row-locked, so
 * atomic across requests and processes), and the guess that takes the last
 * place locks the account. Parallel guesses therefore cannot outnumber the
 * limit: the rest are refused (423) without being evaluated. A guess that
 * turns out neither right nor wrong (banned, code missing) gives its place back.
 */
export class Lockout {
  constructor(
    private readonly db: DataSource,
    private readonly policy: LockoutPolicy,
  ) {}

  /** A place for one guess at this username; `undefined` if no such account; throws 423 when locked. */
  async reserveByUsername(username: string): Promise<Reservation | undefined> {
    return this.reserve(`lower(username) = lower($1)`, username);
  }

  /** The same for an account already known (re-checking the password of a signed-in account). */
  async reserveById(accountId: string): Promise<Reservation> {
    const r = await this.reserve(`id = $1`, accountId);
    if (!r) throw new AppError("unauthorized", 401, "Account no longer exists");
    return r;
  }

  /** The guess was right: the run of failures it belonged to is over; guesses reserved after it still count. */
  async succeeded(r: Reservation): Promise<void> {
    await this.db.query(
      `UPDATE accounts SET
         failed_login_count = greatest(failed_login_count - $2, 0),
         locked_until = CASE WHEN greatest(failed_login_count - $2, 0) < $3 THEN NULL ELSE locked_until END,
         last_login_at = now()
       WHERE id = $1`,
      [r.account.id, r.position, this.policy.maxFailures],
    );
  }

  /** The guess proved nothing (banned account, one-time code not given yet): it does not count. */
  async release(r: Reservation): Promise<void> {
    await this.db.query(
      `UPDATE accounts SET
         failed_login_count = greatest(failed_login_count - 1, 0),
         locked_until = CASE WHEN greatest(failed_login_count - 1, 0) < $2 THEN NULL ELSE locked_until END
       WHERE id = $1`,
      [r.account.id, this.policy.maxFailures],
    );
  }

  private async reserve(match: string, value: string, retried = false): Promise<Reservation | undefined> {
    const { maxFailures, lockSeconds } = this.policy;
    // An expired lock starts a new run at 1.
    const next = `CASE WHEN locked_until IS NOT NULL AND locked_until <= now() THEN 1 ELSE failed_login_count + 1 END`;
    const rows = returnedRows<Row>(
      await this.db.query(
        `UPDATE accounts SET
           failed_login_count = ${next},
           locked_until = CASE WHEN ${next} >= $2 THEN now() + make_interval(secs => $3) ELSE NULL END
         WHERE ${match} AND (locked_until IS NULL OR locked_until <= now())
         RETURNING id, username, password_hash, roles, token_version, banned_until, ban_reason,
                   totp_secret, totp_enabled_at, failed_login_count`,
        [value, maxFailures, lockSeconds],
      ),
    );
    const row = rows[0];
    if (row) return { account: candidate(row), position: row.failed_login_count };
    const existing = (
      (await this.db.query(`SELECT locked_until FROM accounts WHERE ${match}`, [value])) as {
        locked_until: Date | string | null;
      }[]
    )[0];
    if (!existing) return undefined;
    const until = existing.locked_until ? new Date(existing.locked_until) : null;
    // The lock ran out between the two statements: take the place now.
    if ((!until || until <= new Date()) && !retried) return this.reserve(match, value, true);
    throw locked(until ?? new Date());
  }
}

export function locked(until: Date): AppError {
  return new AppError(
    "account_locked",
    423,
    `Too many failed logins; try again after ${until.toISOString()}`,
    {
      lockedUntil: until.toISOString(),
    },
  );
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
