/** A login session, as `open` stores it: the refresh secret only as its hash. */
export interface NewSession {
  id: string;
  accountId: string;
  refreshHash: string;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
  /** The session proved a second factor when it opened. */
  mfa: boolean;
}

/** The account behind a session, as a refresh needs it. */
export interface SessionAccount {
  id: string;
  tokenVersion: number;
  roles: string[];
  bannedUntil: Date | null;
  banReason: string | null;
}

/** A session and its account, as every authenticated request checks them. */
export interface SessionCheck {
  username: string;
  roles: string[];
  tokenVersion: number;
  bannedUntil: Date | null;
  banReason: string | null;
  mutedUntil: Date | null;
  muteReason: string | null;
  revokedAt: Date | null;
  expiresAt: Date;
  mfaAt: Date | null;
  totpEnabledAt: Date | null;
  /** The account holds a permission granted to it alone (an override). */
  hasGrants: boolean;
}

export interface Rotation {
  sessionId: string;
  /** Whether the presented secret is the one stored (given the stored hash). */
  matches(refreshHash: string): boolean;
  /** Refuses the account by throwing (a ban): the session is then left as it was. */
  admit(account: SessionAccount): void;
  /** The next secret's hash and the session's new end. */
  refreshHash: string;
  expiresAt: Date;
}

export type RotationOutcome =
  /** No such session, or revoked, or expired. */
  | { kind: "gone" }
  /** A stale secret: the token was copied and used twice, so the session was revoked. */
  | { kind: "reused"; accountId: string; sessionId: string }
  | { kind: "no_account" }
  | { kind: "rotated"; sessionId: string; account: SessionAccount };

/** Login sessions (refresh tokens): opened at login, rotated on refresh, revoked at logout. */
export interface SessionStore {
  open(session: NewSession): Promise<void>;
  /**
   * One refresh, as a unit: the session is locked, checked, and either
   * rotated to the next secret or (a stale secret) revoked. Concurrent
   * refreshes of one session take turns, so one secret rotates once.
   */
  rotate(rotation: Rotation): Promise<RotationOutcome>;
  revoke(sessionId: string, reason: string): Promise<void>;
  /** The session proved a second factor now. */
  markMfa(sessionId: string): Promise<void>;
  /** The session if it belongs to that account; undefined otherwise. */
  check(sessionId: string, accountId: string): Promise<SessionCheck | undefined>;
}
