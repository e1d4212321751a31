/** An account's second factor: its secret (sealed), pending until enabled. */
export interface TotpState {
  secret: string | null;
  enabledAt: Date | null;
}

/** TOTP secrets and the last time-step used, per account. */
export interface TotpStore {
  /** Undefined when there is no such account. */
  state(accountId: string): Promise<TotpState | undefined>;
  /** A new pending secret, only while TOTP is not on; the last step used is forgotten. */
  beginEnrolment(accountId: string, secret: string): Promise<void>;
  /** Turns TOTP on with `step` used, only if `secret` is still the pending one; false otherwise. */
  enable(accountId: string, secret: string, step: number): Promise<boolean>;
  /** Uses `step`, only if it is later than the last one used (atomic); false otherwise. */
  useStep(accountId: string, step: number): Promise<boolean>;
  /** Secrets not starting with `sealedPrefix`: stored in plain text by older versions. */
  plainSecrets(sealedPrefix: string): Promise<{ accountId: string; secret: string }[]>;
  /** Replaces the secret, only if it is still `from`. */
  replaceSecret(accountId: string, from: string, to: string): Promise<void>;
}
