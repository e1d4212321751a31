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

/** The account a guess is for: by username (case-insensitive) or by id. */
export type AccountKey = { username: string } | { id: string };

/** Failed logins in a row per account, and the lock they lead to. */
export interface LockoutStore {
  /**
   * Takes the next place in the account's run of failures in one atomic
   * step (an expired lock starts a new run at 1); the place that reaches
   * `maxFailures` locks the account for `lockSeconds`. Undefined while the
   * account is locked, or when there is no such account.
   */
  reserve(who: AccountKey, policy: LockoutPolicy): Promise<Reservation | undefined>;
  /** Undefined: no such account; `until` null: not locked. */
  lockedUntil(who: AccountKey): Promise<{ until: Date | null } | undefined>;
  /** The run of failures up to `position` is over; the lock goes once fewer than `maxFailures` remain. */
  succeeded(accountId: string, position: number, maxFailures: number): Promise<void>;
  /** One place given back; the lock goes once fewer than `maxFailures` remain. */
  release(accountId: string, maxFailures: number): Promise<void>;
}
