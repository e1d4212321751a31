import { randomBytes } from "node:crypto";
import type { SecretStore } from "../persistence/ports/SecretStore.js";

export interface ServerSecrets {
  jwtSecret: string;
  totpEncryptionKey: string;
}

/**
 * The secrets every process must agree on. Configured ones win; in
 * development with a shared PostgreSQL (config leaves them undefined) the
 * first process to start generates each one and the database keeps it:
 * stored only if absent, then read, so racing processes all read the
 * winner's value.
 */
export async function resolveSecrets(
  given: { jwtSecret: string | undefined; totpEncryptionKey: string | undefined },
  store: SecretStore,
): Promise<ServerSecrets> {
  return {
    jwtSecret: given.jwtSecret ?? (await sharedSecret(store, "jwt_secret")),
    totpEncryptionKey: given.totpEncryptionKey ?? (await sharedSecret(store, "totp_encryption_key")),
  };
}

async function sharedSecret(store: SecretStore, name: string): Promise<string> {
  await store.putIfAbsent(name, randomBytes(48).toString("base64url"));
  const value = await store.get(name);
  if (!value) throw new Error(`shared secret ${name} could not be stored`);
  return value;
}
