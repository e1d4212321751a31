import type { PermissionOverride, PermissionStore } from "../persistence/ports/PermissionStore.js";
import { notFound, unauthorized } from "../util/errors.js";
import { rankOf, type PermissionSet } from "./permissions.js";

/** An account's standing right now, as the database says. */
export interface Standing {
  accountId: string;
  username: string;
  /** Roles held, plus the escalated tier while an escalation runs. */
  roles: string[];
  /** Roles held, without any escalation. */
  ownRoles: string[];
  /** Position in `RANK_ORDER` of the highest role (escalation included). */
  rank: number;
  escalation: { id: string; role: string; expiresAt: Date } | null;
  permissions: PermissionSet;
}

/** How long the role → permission table is reused before it is read again. */
const ROLE_GRANTS_TTL_MS = 10_000;

/**
 * An account's standing — its roles, escalation and permissions — from the
 * database on every privileged call (the command registry answers "may it do
 * that?" from it): roles and overrides are read fresh, so a demotion, a deny
 * or the end of an escalation holds at once on every process. Only the role →
 * permission table (changed by migrations) is cached, briefly.
 */
export class PermissionService {
  private roleGrants: { at: number; byRole: Map<string, string[]> } | undefined;

  constructor(private readonly store: PermissionStore) {}

  /** `missing`: what an unknown account is — the caller's own (401) or one it named (404). */
  async standing(
    accountId: string,
    missing: "unauthorized" | "not_found" = "unauthorized",
  ): Promise<Standing> {
    const row = await this.store.standing(accountId);
    if (!row)
      throw missing === "not_found"
        ? notFound(`No account ${accountId}`)
        : unauthorized("Account no longer exists");
    const roles = [...row.roles];
    if (row.escalation && !roles.includes(row.escalation.role)) roles.push(row.escalation.role);
    const byRole = await this.grantsByRole();
    const grants = roles.flatMap((r) => byRole.get(r) ?? []);
    for (const o of row.overrides) if (o.effect === "grant") grants.push(o.permission);
    return {
      accountId,
      username: row.username,
      roles,
      ownRoles: [...row.roles],
      rank: rankOf(roles),
      escalation: row.escalation,
      permissions: {
        grants,
        denies: row.overrides.filter((o) => o.effect === "deny").map((o) => o.permission),
      },
    };
  }

  /** The permissions a role carries, from `role_permissions`. */
  async grantsOf(): Promise<(role: string) => readonly string[]> {
    const byRole = await this.grantsByRole();
    return (role) => byRole.get(role) ?? [];
  }

  /** Replaces the roles only if they are still `expected`; the username, or undefined if they changed meanwhile. */
  async replaceRoles(accountId: string, expected: string[], roles: string[]): Promise<string | undefined> {
    return this.store.replaceRoles(accountId, expected, roles);
  }

  /**
   * Replaces the account's overrides; `guard` sees the ones stored now, with
   * the account locked, and refuses by throwing. Returns what was replaced;
   * 404 when there is no such account.
   */
  async replaceOverrides(
    accountId: string,
    next: PermissionOverride[],
    guard: (current: PermissionOverride[]) => void,
  ): Promise<PermissionOverride[]> {
    const before = await this.store.replaceOverrides(accountId, next, guard);
    if (!before) throw notFound(`No account ${accountId}`);
    return before;
  }

  private async grantsByRole(): Promise<Map<string, string[]>> {
    if (this.roleGrants && Date.now() - this.roleGrants.at < ROLE_GRANTS_TTL_MS)
      return this.roleGrants.byRole;
    const rows = await this.store.roleGrants();
    const byRole = new Map<string, string[]>();
    for (const r of rows) byRole.set(r.role, [...(byRole.get(r.role) ?? []), r.permission]);
    this.roleGrants = { at: Date.now(), byRole };
    return byRole;
  }
}
