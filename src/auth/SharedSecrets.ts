import { randomBytes } from "node:crypto";
import type { DataSource } from "typeorm";

export interface ServerSecrets {
  jwtSecret: string;
  totpEncryptionKey: string;
}

/**
 * The secrets every process must agree on. Configured ones win; in
 * development with a shared PostgreSQL (config leaves them undefined) the
 * first process to start generates each one and the database keeps it:
 * INSERT … ON CONFLICT DO NOTHING, then read, so racing processes all read
 * the winner's value.
 */
export async function resolveSecrets(
  given: { jwtSecret: string | undefined; totpEncryptionKey: string | undefined },
  db: DataSource,
): Promise<ServerSecrets> {
  return {
    jwtSecret: given.jwtSecret ?? (await sharedSecret(db, "jwt_secret")),
    totpEncryptionKey: given.totpEncryptionKey ?? (await sharedSecret(db, "totp_encryption_key")),
  };
}

async function sharedSecret(db: DataSource, name: string): Promise<string> {
  await db.query(`INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, [
    name,
    randomBytes(48).toString("base64url"),
  ]);
  const rows = (await db.query(`SELECT value FROM server_secrets WHERE name = $1`, [name])) as {
    value: string;
  }[];
  const value = rows[0]?.value;
  if (!value) throw new Error(`shared secret ${name} could not be stored`);
  return value;
}
