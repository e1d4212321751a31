import { randomUUID } from "node:crypto";
import type { DataSource } from "typeorm";
import { Account } from "../../entities/Account.js";
import { hashPassword, verifyPassword } from "../auth/passwords.js";
import type { Logger } from "../util/logger.js";

/**
 * ADMIN_USERNAME / ADMIN_PASSWORD: make sure that account exists with the
 * super_admin role and that password. Idempotent, safe on every start.
 */
export async function ensureAdmin(
  db: DataSource,
  admin: { username: string; password: string },
  log: Logger,
): Promise<void> {
  const repo = db.getRepository(Account);
  const existing = await repo
    .createQueryBuilder("a")
    .where("lower(a.username) = lower(:u)", { u: admin.username })
    .getOne();
  if (!existing) {
    await repo.insert({
      id: randomUUID(),
      username: admin.username,
      passwordHash: await hashPassword(admin.password),
      roles: ["super_admin"],
    });
    log.info({ username: admin.username }, "admin account created");
    return;
  }
  const updates: Partial<Account> = {};
  if (!existing.roles.includes("super_admin")) updates.roles = [...existing.roles, "super_admin"];
  if (!(await verifyPassword(existing.passwordHash, admin.password))) {
    updates.passwordHash = await hashPassword(admin.password);
    // A changed password ends every session issued under the old one.
    updates.tokenVersion = existing.tokenVersion + 1;
  }
  if (Object.keys(updates).length > 0) {
    await repo.update(existing.id, updates);
    log.info({ username: admin.username, changed: Object.keys(updates) }, "admin account updated");
  }
}
