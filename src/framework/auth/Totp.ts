import { Secret, TOTP } from "otpauth";
import type { SessionStore } from "../persistence/ports/SessionStore.js";
import type { TotpStore } from "../persistence/ports/TotpStore.js";
import { AppError, conflict } from "../util/errors.js";
import { SecretBox } from "./SecretBox.js";

const ISSUER = "mxo-server";
const PERIOD_SECONDS = 30;

function totpFor(username: string, secret: string): TOTP {
  return new TOTP({
    issuer: ISSUER,
    label: username,
    algorithm: "SHA1",
    digits: 6,
    period: PERIOD_SECONDS,
    secret: Secret.fromBase32(secret),
  });
}

/**
 * RFC 6238 one-time codes (the `otpauth` library) as a second factor. An
 * account enrols (gets a secret to scan), proves it with a first code, and
 * from then on every login needs a current code. Secrets are stored sealed
 * (AES-256-GCM, see SecretBox); each code works once per account: the last
 * time-step used is kept in the database and only a later one is accepted.
 */
export class Totp {
  private readonly store: TotpStore;
  private readonly sessions: SessionStore;

  constructor(
    stores: { totp: TotpStore; sessions: SessionStore },
    private readonly box: SecretBox,
  ) {
    this.store = stores.totp;
    this.sessions = stores.sessions;
  }

  /** A new secret, pending until `confirm`; refused once enrolment is complete. */
  async enroll(accountId: string, username: string): Promise<{ secret: string; otpauthUrl: string }> {
    const state = await this.store.state(accountId);
    if (state?.enabledAt) throw conflict("totp_enrolled", "Two-factor authentication is already on");
    const secret = new Secret({ size: 20 }).base32;
    await this.store.beginEnrolment(accountId, this.box.seal(secret, accountId));
    return { secret, otpauthUrl: totpFor(username, secret).toString() };
  }

  /** Turns TOTP on with a first code, which is used up; the session that proved it counts as verified. */
  async confirm(
    accountId: string,
    username: string,
    sessionId: string,
    code: string,
  ): Promise<{ enabled: true }> {
    const state = await this.store.state(accountId);
    if (!state?.secret) throw conflict("totp_not_enrolling", "Start with POST /auth/totp/enroll");
    if (state.enabledAt) throw conflict("totp_enrolled", "Two-factor authentication is already on");
    const step = matchingStep(username, this.reveal(accountId, state.secret), code);
    if (step === null) throw new AppError("totp_invalid", 400, "That code is not valid");
    // The secret compared is the one the code was checked against: a parallel re-enrolment loses.
    if (!(await this.store.enable(accountId, state.secret, step))) {
      throw conflict("totp_not_enrolling", "Enrolment changed meanwhile; start again");
    }
    await this.sessions.markMfa(sessionId);
    return { enabled: true };
  }

  /** At login, for an account with TOTP on: a valid code not used before, or 401. */
  async useCode(account: { id: string; username: string; totpSecret: string }, code: string): Promise<void> {
    const step = matchingStep(account.username, this.reveal(account.id, account.totpSecret), code);
    if (step === null) throw new AppError("totp_invalid", 401, "Invalid one-time code");
    // Atomic, so one code cannot serve two logins racing on two processes.
    if (!(await this.store.useStep(account.id, step))) {
      throw new AppError("totp_invalid", 401, "That one-time code was already used; wait for the next one");
    }
  }

  /** Seals secrets stored in plain text by earlier versions; returns how many. */
  async sealPlainSecrets(): Promise<number> {
    const plain = await this.store.plainSecrets(SecretBox.PREFIX);
    for (const p of plain) {
      await this.store.replaceSecret(p.accountId, p.secret, this.box.seal(p.secret, p.accountId));
    }
    return plain.length;
  }

  /** Plain base32 still reads (a row written by an older process during a rolling deploy). */
  private reveal(accountId: string, stored: string): string {
    if (!SecretBox.isSealed(stored)) return stored;
    try {
      return this.box.open(stored, accountId);
    } catch {
      throw new AppError(
        "totp_unavailable",
        503,
        "The one-time code cannot be checked right now (the server's TOTP key does not open this secret)",
      );
    }
  }
}

/** The time-step a code belongs to, one period either side for clock drift; null if it matches none. */
function matchingStep(username: string, secret: string, code: string): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const timestamp = Date.now();
  const delta = totpFor(username, secret).validate({ token: code, timestamp, window: 1 });
  if (delta === null) return null;
  return TOTP.counter({ period: PERIOD_SECONDS, timestamp }) + delta;
}
