import { randomUUID } from "node:crypto";
import type { DataSource } from "typeorm";
import { z } from "zod";
import { Account } from "../../entities/Account.js";
import { Session } from "../../entities/Session.js";
import { AppError, conflict, forbidden, unauthorized } from "../util/errors.js";
import { Totp } from "./Totp.js";
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
}

export class AuthService {
  constructor(
    private readonly db: DataSource,
    private readonly signer: TokenSigner,
    private readonly policy: AuthPolicy,
    private readonly revocations: RevocationNotifier,
  ) {}

  async register(username: string, password: string): Promise<{ accountId: string }> {
    const id = randomUUID();
    const passwordHash = await hashPassword(password);
    try {
      await this.db.getRepository(Account).insert({ id, username, passwordHash, roles: ["player"] });
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict("username_taken", `Username "${username}" is taken`);
      throw err;
    }
    return { accountId: id };
  }

  async login(username: string, password: string, client: ClientInfo, totp?: string): Promise<TokenPair> {
    const accounts = this.db.getRepository(Account);
    const account = await accounts
      .createQueryBuilder("a")
      .where("lower(a.username) = lower(:username)", { username })
      .getOne();
    if (!account) {
      await burnVerification(password);
      throw unauthorized("Invalid username or password");
    }
    const now = new Date();
    if (account.lockedUntil && account.lockedUntil > now) {
      throw new AppError(
        "account_locked",
        423,
        `Too many failed logins; try again after ${account.lockedUntil.toISOString()}`,
        { lockedUntil: account.lockedUntil.toISOString() },
      );
    }
    if (!(await verifyPassword(account.passwordHash, password))) {
      await this.recordFailure(account.id);
      throw unauthorized("Invalid username or password");
    }
    // Checked after the password so a ban is not revealed to someone guessing.
    assertNotBanned(account);
    try {
      Totp.check(account, totp);
    } catch (err) {
      // A wrong code counts like a wrong password: guessing codes meets the same lockout.
      if (err instanceof AppError && err.code === "totp_invalid") await this.recordFailure(account.id);
      throw err;
    }
    await accounts.update(account.id, { failedLoginCount: 0, lockedUntil: null, lastLoginAt: now });
    this.revocations.loggedIn?.(account.id);
    return this.openSession(account, client);
  }

  /** Atomic so that parallel guesses cannot slip past the limit. */
  private async recordFailure(accountId: string): Promise<void> {
    await this.db.query(
      `UPDATE accounts SET
         failed_login_count = CASE WHEN locked_until IS NOT NULL AND locked_until <= now() THEN 1
                                   ELSE failed_login_count + 1 END,
         locked_until = CASE WHEN (CASE WHEN locked_until IS NOT NULL AND locked_until <= now() THEN 1
                                        ELSE failed_login_count + 1 END) >= $2
                             THEN now() + make_interval(secs => $3) ELSE NULL END
       WHERE id = $1`,
      [accountId, this.policy.loginMaxFailures, this.policy.loginLockSeconds],
    );
  }

  private async openSession(account: Account, client: ClientInfo): Promise<TokenPair> {
    const sessionId = randomUUID();
    const secret = newRefreshSecret();
    await this.db.getRepository(Session).insert({
      id: sessionId,
      accountId: account.id,
      refreshHash: hashSecret(secret),
      expiresAt: new Date(Date.now() + this.policy.refreshTtlSeconds * 1000),
      ip: client.ip ?? null,
      userAgent: client.userAgent?.slice(0, 512) ?? null,
    });
    return this.pair(account, sessionId, secret);
  }

  private pair(account: Account, sessionId: string, secret: string): TokenPair {
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
    const result = await this.db.transaction(async (tx) => {
      const session = await tx
        .getRepository(Session)
        .createQueryBuilder("s")
        .setLock("pessimistic_write")
        .where("s.id = :id", { id: parts.sessionId })
        .getOne();
      if (!session || session.revokedAt || session.expiresAt <= new Date()) {
        return { error: "Refresh token expired or revoked" } as const;
      }
      if (!secretMatches(parts.secret, session.refreshHash)) {
        await tx
          .getRepository(Session)
          .update(session.id, { revokedAt: new Date(), revokedReason: "refresh_reuse" });
        return { error: "Refresh token already used; session revoked", revoked: session } as const;
      }
      const account = await tx.getRepository(Account).findOneBy({ id: session.accountId });
      if (!account) return { error: "Account no longer exists" } as const;
      assertNotBanned(account);
      const secret = newRefreshSecret();
      await tx.getRepository(Session).update(session.id, {
        refreshHash: hashSecret(secret),
        rotations: session.rotations + 1,
        expiresAt: new Date(Date.now() + this.policy.refreshTtlSeconds * 1000),
      });
      return { pair: this.pair(account, session.id, secret) } as const;
    });
    if ("pair" in result && result.pair) return result.pair;
    if ("revoked" in result && result.revoked) {
      this.revocations.sessionsRevoked(result.revoked.accountId, result.revoked.id);
    }
    throw unauthorized(result.error);
  }

  async logout(principal: Principal): Promise<void> {
    await this.db
      .getRepository(Session)
      .update({ id: principal.sessionId }, { revokedAt: new Date(), revokedReason: "logout" });
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
    const row = await this.db
      .getRepository(Account)
      .findOne({ where: { id: accountId }, select: { roles: true } });
    return row?.roles ?? [];
  }

  /** A travel ticket for the character this principal plays (see `authenticateJoin`). */
  issueTravelTicket(accountId: string, sessionId: string, characterId: string): string {
    return this.signer.signTravel({ sub: accountId, sid: sessionId, characterId });
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
   */
  async authenticate(token: string | undefined): Promise<Principal> {
    if (!token) throw unauthorized("Missing access token");
    const claims = this.signer.verifyAccess(token);
    return this.checkSession(claims.sub, claims.sid, claims.ver);
  }

  private async checkSession(
    accountId: string,
    sessionId: string,
    tokenVersion: number | undefined,
  ): Promise<Principal> {
    const claims = { sub: accountId, sid: sessionId };
    const row:
      | {
          username: string;
          roles: string[];
          token_version: number;
          banned_until: Date | null;
          ban_reason: string | null;
          muted_until: Date | null;
          mute_reason: string | null;
          revoked_at: Date | null;
          expires_at: Date;
        }
      | undefined = (
      await this.db.query(
        `SELECT a.username, a.roles, a.token_version, a.banned_until, a.ban_reason, a.muted_until, a.mute_reason,
                s.revoked_at, s.expires_at
           FROM sessions s JOIN accounts a ON a.id = s.account_id
          WHERE s.id = $1 AND a.id = $2`,
        [claims.sid, claims.sub],
      )
    )[0];
    if (!row || row.revoked_at || new Date(row.expires_at) <= new Date())
      throw unauthorized("Session revoked");
    if (tokenVersion !== undefined && row.token_version !== tokenVersion)
      throw unauthorized("Session revoked");
    assertNotBanned({
      bannedUntil: row.banned_until ? new Date(row.banned_until) : null,
      banReason: row.ban_reason,
    });
    const mutedUntil = row.muted_until ? new Date(row.muted_until).getTime() : null;
    const muted = mutedUntil !== null && mutedUntil > Date.now();
    return {
      accountId: claims.sub,
      sessionId: claims.sid,
      username: row.username,
      roles: row.roles,
      mutedUntil: muted ? mutedUntil : null,
      muteReason: muted ? row.mute_reason : null,
    };
  }
}

function assertNotBanned(account: Pick<Account, "bannedUntil" | "banReason">): void {
  if (account.bannedUntil && account.bannedUntil > new Date()) {
    throw forbidden(
      "account_banned",
      `Account banned until ${account.bannedUntil.toISOString()}${account.banReason ? `: ${account.banReason}` : ""}`,
    );
  }
}

export function isUniqueViolation(err: unknown): boolean {
  const code =
    (err as { code?: string; driverError?: { code?: string } })?.driverError?.code ??
    (err as { code?: string })?.code;
  return code === "23505";
}
