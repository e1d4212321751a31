import { Secret, TOTP } from "otpauth";
import type { DataSource } from "typeorm";
import { AppError, conflict } from "../util/errors.js";

const ISSUER = "mxo-server";

function totpFor(username: string, secret: string): TOTP {
  return new TOTP({
    issuer: ISSUER,
    label: username,
    algorithm: "SHA1",
    digits: 6,
    period: 30,
    secret: Secret.fromBase32(secret),
  });
}

/**
 * RFC 6238 one-time codes (the `otpauth` library) as a second factor. An
 * account enrols (gets a secret to scan), proves it with a first code, and
 * from then on every login needs a current code.
 */
export class Totp {
  constructor(private readonly db: DataSource) {}

  /** A new secret, pending until `confirm`; refused once enrolment is complete. */
  async enroll(accountId: string, username: string): Promise<{ secret: string; otpauthUrl: string }> {
    const row = (
      await this.db.query(`SELECT totp_enabled_at FROM accounts WHERE id = $1`, [accountId])
    )[0] as { totp_enabled_at: Date | null } | undefined;
    if (row?.totp_enabled_at) throw conflict("totp_enrolled", "Two-factor authentication is already on");
    const secret = new Secret({ size: 20 }).base32;
    await this.db.query(`UPDATE accounts SET totp_secret = $2 WHERE id = $1`, [accountId, secret]);
    return { secret, otpauthUrl: totpFor(username, secret).toString() };
  }

  async confirm(accountId: string, username: string, code: string): Promise<{ enabled: true }> {
    const row = (
      await this.db.query(`SELECT totp_secret, totp_enabled_at FROM accounts WHERE id = $1`, [accountId])
    )[0] as { totp_secret: string | null; totp_enabled_at: Date | null } | undefined;
    if (!row?.totp_secret) throw conflict("totp_not_enrolling", "Start with POST /auth/totp/enroll");
    if (row.totp_enabled_at) throw conflict("totp_enrolled", "Two-factor authentication is already on");
    if (!valid(username, row.totp_secret, code))
      throw new AppError("totp_invalid", 400, "That code is not valid");
    await this.db.query(`UPDATE accounts SET totp_enabled_at = now() WHERE id = $1`, [accountId]);
    return { enabled: true };
  }

  /** At login: nothing to check without enrolment; otherwise a current code is required. */
  static check(
    account: { username: string; totpSecret: string | null; totpEnabledAt: Date | null },
    code?: string,
  ): void {
    if (!account.totpEnabledAt || !account.totpSecret) return;
    if (!code) throw new AppError("totp_required", 401, "This account needs a one-time code (totp)");
    if (!valid(account.username, account.totpSecret, code)) {
      throw new AppError("totp_invalid", 401, "Invalid one-time code");
    }
  }
}

/** One period either side, for clock drift. */
function valid(username: string, secret: string, code: string): boolean {
  if (!/^\d{6}$/.test(code)) return false;
  return totpFor(username, secret).validate({ token: code, window: 1 }) !== null;
}
