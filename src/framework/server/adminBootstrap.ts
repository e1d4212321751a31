import { randomUUID } from "node:crypto";
import type { AccountCredentials, AccountStore } from "../persistence/ports/AccountStore.js";
import { hashPassword, verifyPassword } from "../auth/passwords.js";
import type { Logger } from "../util/logger.js";

/**
 * ADMIN_USERNAME / ADMIN_PASSWORD: make sure that account exists with the
 * super_admin role and that password. Idempotent, safe on every start; run it
 * under the database's startup lock (`Database.exclusively`) so that of
 * several processes starting at once one creates or updates the account and
 * the others find it done.
 */
export async function ensureAdmin(
  accounts: AccountStore,
  admin: { username: string; password: string },
  log: Logger,
): Promise<void> {
  const existing = await accounts.credentials(admin.username);
  if (existing) return reconcile(accounts, existing, admin, log);
  const created = await accounts.create({
    id: randomUUID(),
    username: admin.username,
    passwordHash: await hashPassword(admin.password),
    roles: ["super_admin"],
  });
  if (created) {
    log.info({ username: admin.username }, "admin account created");
    return;
  }
  // The name was taken between the check and the insert (a player registering
  // it on a running process, or a process that took no lock): that account is
  // the one to make the admin, as it would be had it existed a moment earlier.
  const taken = await accounts.credentials(admin.username);
  if (!taken) throw new Error(`admin account ${admin.username} could not be created nor found`);
  return reconcile(accounts, taken, admin, log);
}

/** An existing account gets the super_admin role and the configured password. */
async function reconcile(
  accounts: AccountStore,
  existing: AccountCredentials,
  admin: { username: string; password: string },
  log: Logger,
): Promise<void> {
  const updates: Partial<Pick<AccountCredentials, "passwordHash" | "roles" | "tokenVersion">> = {};
  if (!existing.roles.includes("super_admin")) updates.roles = [...existing.roles, "super_admin"];
  if (!(await verifyPassword(existing.passwordHash, admin.password))) {
    updates.passwordHash = await hashPassword(admin.password);
    // A changed password ends every session issued under the old one.
    updates.tokenVersion = existing.tokenVersion + 1;
  }
  if (Object.keys(updates).length > 0) {
    await accounts.updateCredentials(existing.id, updates);
    log.info({ username: admin.username, changed: Object.keys(updates) }, "admin account updated");
  }
}
