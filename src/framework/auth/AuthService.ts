import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { AccountStore } from "../persistence/ports/AccountStore.js";
import type { LockoutStore } from "../persistence/ports/LockoutStore.js";
import type { SessionAccount, SessionStore } from "../persistence/ports/SessionStore.js";
import { currentTraceparent } from "../tracing/tracing.js";
import { AppError, conflict, forbidden, unauthorized } from "../util/errors.js";
import { Lockout, type LoginCandidate } from "./Lockout.js";
import { isStaff, staffMfaError } from "./StaffMfa.js";
import type { Totp } from "./Totp.js";
import { burnVerification, hashPassword, verifyPassword } from "./passwords.js";
import {
  hashSecret,
  newRefreshSecret,
  secretMatches,
  splitRefreshToken,
  type AccessClaims,
  type TokenSigner,
} from "./tokens.js";

export const UsernameSchema = z
  .string({ message: "username is required" })
  .regex(/^[A-Za-z0-9_]{3,24}$/, "username must be 3–24 characters of A-Z, a-z, 0-9 and _");
export const PasswordSchema = z
  .string({ message: "password is required" })
  .min(8, "password must be at least 8 characters")
  .max(256, "password must be at most 256 characters");

export interface TokenPair {
  token: string;
  refreshToken: string;
  expiresIn: number;
  roles: string[];
}

/** Who is calling, after signature, expiry and revocation checks. */
export interface Principal {
  accountId: string;
  sessionId: string;
  username: string;
  roles: string[];
  /** Chat is refused until then (epoch ms); null when not muted. */
  mutedUntil: number | null;
  muteReason: string | null;
  /** The session proved a second factor (a one-time code at login, or the code that turned TOTP on). */
  mfa: boolean;
}

export interface ClientInfo {
  ip?: string | undefined;
  userAgent?: string | undefined;
}

/** Tells every process that sessions ended, so live connections close (4101). */
export interface RevocationNotifier {
  sessionsRevoked(accountId: string, sessionId: string | null): void;
  /** A successful login (for analytics). */
  loggedIn?(accountId: string): void;
}

export interface AuthPolicy {
  loginMaxFailures: number;
  loginLockSeconds: number;
  refreshTtlSeconds: number;
  /** Staff sessions without a second factor reach only TOTP enrolment and logout (see StaffMfa). */
  staffMfaRequired: boolean;
}

/** The stores AuthService works on. */
export interface AuthStores {
  accounts: AccountStore;
  sessions: SessionStore;
  lockout: LockoutStore;
}

export class AuthService {
  private readonly lockout: Lockout;
  private readonly accounts: AccountStore;
  private readonly sessions: SessionStore;

  constructor(
    stores: AuthStores,
    private readonly signer: TokenSigner,
    private readonly totp: Totp,
    private readonly policy: AuthPolicy,
    private readonly revocations: RevocationNotifier,
  ) {
    this.accounts = stores.accounts;
    this.sessions = stores.sessions;
    this.lockout = new Lockout(stores.lockout, {
      maxFailures: policy.loginMaxFailures,
      lockSeconds: policy.loginLockSeconds,
    });
  }

  async register(username: string, password: string): Promise<{ accountId: string }> {
    const id = randomUUID();
    const passwordHash = await hashPassword(password);
    if (!(await this.accounts.create({ id, username, passwordHash, roles: ["player"] }))) {
      throw conflict("username_taken", `Username "${username}" is taken`);
    }
    return { accountId: id };
  }

  /**
   * Each guess takes its place in the lockout count before the password is
   * checked (see Lockout), so no number of parallel guesses gets more than
   * LOGIN_MAX_FAILURES evaluated. Wrong passwords and wrong codes keep their
   * place; a ban or a missing code gives it back.
   */
  async login(username: string, password: string, client: ClientInfo, totp?: string): Promise<TokenPair> {
    const reservation = await this.lockout.reserveByUsername(username);
    if (!reservation) {
      await burnVerification(password);
      throw unauthorized("Invalid username or password");
    }
    const account = reservation.account;
    if (!(await verifyPassword(account.passwordHash, password))) {
      throw unauthorized("Invalid username or password");
    }
    let mfa = false;
    try {
      // Checked after the password so a ban is not revealed to someone guessing.
      assertNotBanned(account);
      if (account.totpEnabledAt && account.totpSecret && !totp) {
        throw new AppError("totp_required", 401, "This account needs a one-time code (totp)");
      }
    } catch (err) {
      await this.lockout.release(reservation);
      throw err;
    }
    if (account.totpEnabledAt && account.totpSecret && totp) {
      await this.totp.useCode(
        { id: account.id, username: account.username, totpSecret: account.totpSecret },
        totp,
      );
      mfa = true;
    }
    await this.lockout.succeeded(reservation);
    this.revocations.loggedIn?.(account.id);
    return this.openSession(account, client, mfa);
  }

  /**
   * TOTP enrolment re-checks the password, counted like a login guess: a
   * stolen access token alone cannot put a second factor of its own on the
   * account and lock the owner out.
   */
  async enrollTotp(principal: Principal, password: string): Promise<{ secret: string; otpauthUrl: string }> {
    const reservation = await this.lockout.reserveById(principal.accountId);
    if (!(await verifyPassword(reservation.account.passwordHash, password))) {
      throw unauthorized("Wrong password");
    }
    await this.lockout.succeeded(reservation);
    return this.totp.enroll(principal.accountId, principal.username);
  }

  async confirmTotp(principal: Principal, code: string): Promise<{ enabled: true }> {
    return this.totp.confirm(principal.accountId, principal.username, principal.sessionId, code);
  }

  private async openSession(account: LoginCandidate, client: ClientInfo, mfa: boolean): Promise<TokenPair> {
    const sessionId = randomUUID();
    const secret = newRefreshSecret();
    await this.sessions.open({
      id: sessionId,
      accountId: account.id,
      refreshHash: hashSecret(secret),
      expiresAt: new Date(Date.now() + this.policy.refreshTtlSeconds * 1000),
      ip: client.ip ?? null,
      userAgent: client.userAgent?.slice(0, 512) ?? null,
      mfa,
    });
    return this.pair(account, sessionId, secret);
  }

  private pair(
    account: Pick<SessionAccount, "id" | "tokenVersion" | "roles">,
    sessionId: string,
    secret: string,
  ): TokenPair {
    const claims: AccessClaims = {
      sub: account.id,
      sid: sessionId,
      ver: account.tokenVersion,
      roles: account.roles,
    };
    return {
      token: this.signer.signAccess(claims),
      refreshToken: `${sessionId}.${secret}`,
      expiresIn: this.signer.accessTtlSeconds,
      roles: account.roles,
    };
  }

  /**
   * Rotation: the presented secret must be the session's current one. A stale
   * secret means the token was copied and used twice, so the session ends.
   */
  async refresh(refreshToken: string): Promise<TokenPair> {
    const parts = splitRefreshToken(refreshToken);
    if (!parts) throw unauthorized("Invalid refresh token");
    const secret = newRefreshSecret();
    const result = await this.sessions.rotate({
      sessionId: parts.sessionId,
      matches: (refreshHash) => secretMatches(parts.secret, refreshHash),
      admit: assertNotBanned,
      refreshHash: hashSecret(secret),
      expiresAt: new Date(Date.now() + this.policy.refreshTtlSeconds * 1000),
    });
    switch (result.kind) {
      case "rotated":
        return this.pair(result.account, result.sessionId, secret);
      case "reused":
        this.revocations.sessionsRevoked(result.accountId, result.sessionId);
        throw unauthorized("Refresh token already used; session revoked");
      case "no_account":
        throw unauthorized("Account no longer exists");
      case "gone":
        throw unauthorized("Refresh token expired or revoked");
    }
  }

  async logout(principal: Principal): Promise<void> {
    await this.sessions.revoke(principal.sessionId, "logout");
    this.revocations.sessionsRevoked(principal.accountId, principal.sessionId);
  }

  /** The account a token names, from its signature alone (rate-limit keys); undefined if not valid. */
  peekAccount(token: string | undefined): string | undefined {
    if (!token) return undefined;
    try {
      return this.signer.verifyAccess(token).sub;
    } catch {
      return undefined;
    }
  }

  /** Roles as stored now: privileged actions never trust the roles a token was issued with. */
  async currentRoles(accountId: string): Promise<string[]> {
    return this.accounts.roles(accountId);
  }

  /** A travel ticket for the character this principal plays (see `authenticateJoin`). */
  issueTravelTicket(accountId: string, sessionId: string, characterId: string): string {
    return this.signer.signTravel({
      sub: accountId,
      sid: sessionId,
      characterId,
      traceparent: currentTraceparent(),
    });
  }

  /**
   * Joining a district: an access token, or a travel ticket the server issued
   * for exactly this character. Either way the session must still be live.
   */
  async authenticateJoin(token: string | undefined, characterId: string): Promise<Principal> {
    const ticket = token ? this.signer.verifyTravel(token) : undefined;
    if (!ticket) return this.authenticate(token);
    if (ticket.characterId !== characterId) throw unauthorized("Travel ticket is for another character");
    return this.checkSession(ticket.sub, ticket.sid, undefined);
  }

  /**
   * Full check of an access token: signature and expiry, then the database so
   * a logout or token-version bump on any process takes effect at once.
   * `mfaPending` admits a staff session still without a second factor: only
   * for the routes that let it get one (TOTP enrolment) or leave.
   */
  async authenticate(token: string | undefined, opts: { mfaPending?: boolean } = {}): Promise<Principal> {
    if (!token) throw unauthorized("Missing access token");
    const claims = this.signer.verifyAccess(token);
    return this.checkSession(claims.sub, claims.sid, claims.ver, opts.mfaPending === true);
  }

  /**
   * For a privileged act by a session already admitted (a GM in a room): is
   * its second factor in order? Other refusals (a revoked session) and
   * faults are thrown, never read as "yes".
   */
  async staffMfaSatisfied(accountId: string, sessionId: string): Promise<boolean> {
    try {
      await this.checkSession(accountId, sessionId, undefined, false);
      return true;
    } catch (err) {
      if (err instanceof AppError && err.code === "mfa_required") return false;
      throw err;
    }
  }

  private async checkSession(
    accountId: string,
    sessionId: string,
    tokenVersion: number | undefined,
    mfaPending = false,
  ): Promise<Principal> {
    const claims = { sub: accountId, sid: sessionId };
    const row = await this.sessions.check(claims.sid, claims.sub);
    if (!row || row.revokedAt || row.expiresAt <= new Date()) throw unauthorized("Session revoked");
    if (tokenVersion !== undefined && row.tokenVersion !== tokenVersion)
      throw unauthorized("Session revoked");
    assertNotBanned(row);
    const mfa = row.mfaAt !== null;
    if (this.policy.staffMfaRequired && !mfa && !mfaPending && isStaff(row.roles, row.hasGrants)) {
      throw staffMfaError(row.totpEnabledAt !== null);
    }
    const mutedUntil = row.mutedUntil ? row.mutedUntil.getTime() : null;
    const muted = mutedUntil !== null && mutedUntil > Date.now();
    return {
      accountId: claims.sub,
      sessionId: claims.sid,
      username: row.username,
      roles: row.roles,
      mutedUntil: muted ? mutedUntil : null,
      muteReason: muted ? row.muteReason : null,
      mfa,
    };
  }
}

function assertNotBanned(account: Pick<SessionAccount, "bannedUntil" | "banReason">): void {
  if (account.bannedUntil && account.bannedUntil > new Date()) {
    throw forbidden(
      "account_banned",
      `Account banned until ${account.bannedUntil.toISOString()}${account.banReason ? `: ${account.banReason}` : ""}`,
    );
  }
}
