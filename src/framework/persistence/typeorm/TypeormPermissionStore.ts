import type { DataSource } from "typeorm";
import { returnedRows } from "./sql.js";
import type { PermissionOverride, PermissionStore, StoredStanding } from "../ports/PermissionStore.js";

export class TypeormPermissionStore implements PermissionStore {
  constructor(private readonly db: DataSource) {}

  async standing(accountId: string): Promise<StoredStanding | undefined> {
    const row = (
      (await this.db.query(
        `SELECT a.username, a.roles,
                (SELECT coalesce(json_agg(json_build_object('permission', o.permission, 'effect', o.effect)), '[]'::json)
                   FROM account_permission_overrides o WHERE o.account_id = a.id) AS overrides,
                (SELECT json_build_object('id', e.id, 'role', e.role, 'expiresAt', e.expires_at)
                   FROM escalations e
                  WHERE e.account_id = a.id AND e.approved_at IS NOT NULL AND e.ended_at IS NULL
                    AND e.expires_at > now()
                  ORDER BY e.expires_at DESC LIMIT 1) AS escalation
           FROM accounts a WHERE a.id = $1`,
        [accountId],
      )) as {
        username: string;
        roles: string[];
        overrides: PermissionOverride[];
        escalation: { id: string; role: string; expiresAt: string } | null;
      }[]
    )[0];
    if (!row) return undefined;
    return {
      username: row.username,
      roles: row.roles,
      overrides: row.overrides,
      escalation: row.escalation
        ? { id: row.escalation.id, role: row.escalation.role, expiresAt: new Date(row.escalation.expiresAt) }
        : null,
    };
  }

  async roleGrants(): Promise<{ role: string; permission: string }[]> {
    return (await this.db.query(`SELECT role, permission FROM role_permissions`)) as {
      role: string;
      permission: string;
    }[];
  }

  async replaceRoles(accountId: string, expected: string[], roles: string[]): Promise<string | undefined> {
    const rows = returnedRows<{ username: string }>(
      await this.db.query(`UPDATE accounts SET roles = $2 WHERE id = $1 AND roles = $3 RETURNING username`, [
        accountId,
        roles,
        expected,
      ]),
    );
    return rows[0]?.username;
  }

  async replaceOverrides(
    accountId: string,
    next: PermissionOverride[],
    guard: (current: PermissionOverride[]) => void,
  ): Promise<PermissionOverride[] | undefined> {
    return this.db.transaction(async (em) => {
      const account = (await em.query(`SELECT username FROM accounts WHERE id = $1 FOR UPDATE`, [
        accountId,
      ])) as unknown[];
      if (account.length === 0) return undefined;
      const current = (await em.query(
        `SELECT permission, effect FROM account_permission_overrides WHERE account_id = $1 ORDER BY permission`,
        [accountId],
      )) as PermissionOverride[];
      guard(current);
      await em.query(`DELETE FROM account_permission_overrides WHERE account_id = $1`, [accountId]);
      for (const o of next) {
        await em.query(
          `INSERT INTO account_permission_overrides (account_id, permission, effect) VALUES ($1, $2, $3)`,
          [accountId, o.permission, o.effect],
        );
      }
      return current;
    });
  }
}
