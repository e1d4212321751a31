import { randomUUID } from "node:crypto";
import type { AccountCredentials, AccountStore } from "../persistence/ports/AccountStore.js";
import { hashPassword, verifyPassword } from "../auth/passwords.js";
import type { Logger } from "../util/logger.js";

/**
 * ADMIN_USERNAME / ADMIN_PASSWORD: make sure that account exists with the
 * super_admin role and that password. Idempotent, safe on every start.
 */
export async function ensureAdmin(
  accounts: AccountStore,
  admin: { username: string; password: string },
  log: Logger,
): Promise<void> {
  const existing = await accounts.credentials(admin.username);
  if (!existing) {
    const created = await accounts.create({
      id: randomUUID(),
      username: admin.username,
      passwordHash: await hashPassword(admin.password),
      roles: ["super_admin"],
    });
    // Another process created it between the two statements: this start fails, as a duplicate row would.
    if (!created)
      throw new Error(`admin account ${admin.username} could not be created: the username is taken`);
    log.info({ username: admin.username }, "admin account created");
    return;
  }
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
