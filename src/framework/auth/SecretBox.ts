import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

/** Marks a sealed value; a TOTP secret in base32 never contains ":". */
const PREFIX = "v1:";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM for small secrets kept in the database (TOTP seeds). The key is
 * derived from configuration with HKDF, so any ≥ 32-character string works
 * and one configured secret never serves two purposes. Each value is bound to
 * a context (the account id) as associated data: a sealed secret copied onto
 * another account does not open.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(keyMaterial: string, purpose: string) {
    this.key = Buffer.from(hkdfSync("sha256", keyMaterial, "", `mxo-server ${purpose}`, 32));
  }

  /** What every sealed value starts with. */
  static readonly PREFIX = PREFIX;

  static isSealed(stored: string): boolean {
    return stored.startsWith(PREFIX);
  }

  seal(plain: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    cipher.setAAD(Buffer.from(context, "utf8"));
    const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url");
  }

  /** Throws when the value was sealed with another key or context, or altered. */
  open(stored: string, context: string): string {
    if (!SecretBox.isSealed(stored)) throw new Error("not a sealed value");
    const raw = Buffer.from(stored.slice(PREFIX.length), "base64url");
    if (raw.length < IV_BYTES + TAG_BYTES) throw new Error("sealed value too short");
    const decipher = createDecipheriv("aes-256-gcm", this.key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(context, "utf8"));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
      "utf8",
    );
  }
}
