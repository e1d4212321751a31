import type { DataSource } from "typeorm";
import { Account } from "../../../../entities/Account.js";
import type { AccountCredentials, AccountRef, AccountStore, NewAccount } from "../ports/AccountStore.js";
import { isUniqueViolation } from "./pgErrors.js";

export class TypeormAccountStore implements AccountStore {
  constructor(private readonly db: DataSource) {}

  async create(account: NewAccount): Promise<boolean> {
    try {
      await this.db.getRepository(Account).insert(account);
      return true;
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }

  async byUsername(username: string): Promise<AccountRef | undefined> {
    return (
      (await this.db.query(`SELECT id, username FROM accounts WHERE lower(username) = lower($1)`, [
        username,
      ])) as AccountRef[]
    )[0];
  }

  async byId(id: string): Promise<AccountRef | undefined> {
    return (
      (await this.db.query(`SELECT id, username FROM accounts WHERE id = $1`, [id])) as AccountRef[]
    )[0];
  }

  async roles(accountId: string): Promise<string[]> {
    const row = await this.db
      .getRepository(Account)
      .findOne({ where: { id: accountId }, select: { roles: true } });
    return row?.roles ?? [];
  }

  async credentials(username: string): Promise<AccountCredentials | undefined> {
    const row = await this.db
      .getRepository(Account)
      .createQueryBuilder("a")
      .where("lower(a.username) = lower(:u)", { u: username })
      .getOne();
    if (!row) return undefined;
    return {
      id: row.id,
      username: row.username,
      passwordHash: row.passwordHash,
      roles: row.roles,
      tokenVersion: row.tokenVersion,
    };
  }

  async updateCredentials(
    accountId: string,
    changes: Partial<Pick<AccountCredentials, "passwordHash" | "roles" | "tokenVersion">>,
  ): Promise<void> {
    await this.db.getRepository(Account).update(accountId, changes);
  }
}
