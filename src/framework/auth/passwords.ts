import argon2 from "argon2";

/**
 * argon2id with the library's defaults (64 MiB, t=3, p=4): slow enough to
 * make offline guessing expensive, ~100 ms per login on a 2-core box.
 */
export async function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same time as a real verification, so an unknown username cannot
 * be told from a wrong password by timing.
 */
export async function burnVerification(password: string): Promise<void> {
  dummyHash ??= hashPassword("not-a-real-password-" + Math.random());
  await verifyPassword(await dummyHash, password);
}
