/** A permission given to (grant) or taken from (deny) one account, whatever its roles. */
export interface PermissionOverride {
  permission: string;
  effect: "grant" | "deny";
}

/** What an account holds now, as stored: the input of a permission check. */
export interface StoredStanding {
  username: string;
  roles: string[];
  overrides: PermissionOverride[];
  /** The approved escalation running now (the latest to expire), if any. */
  escalation: { id: string; role: string; expiresAt: Date } | null;
}

/** Roles, per-account overrides and the role → permission table. */
export interface PermissionStore {
  /** Undefined when there is no such account. */
  standing(accountId: string): Promise<StoredStanding | undefined>;
  /** The whole role → permission table. */
  roleGrants(): Promise<{ role: string; permission: string }[]>;
  /** Replaces the account's roles only if they are still `expected`; the username, or undefined if not. */
  replaceRoles(accountId: string, expected: string[], roles: string[]): Promise<string | undefined>;
  /**
   * Replaces the account's overrides with `next`, as a unit: with the account
   * locked, `guard` sees the overrides stored now (by permission) and may
   * refuse by throwing, which leaves them as they were. Returns what was
   * replaced; undefined when there is no such account.
   */
  replaceOverrides(
    accountId: string,
    next: PermissionOverride[],
    guard: (current: PermissionOverride[]) => void,
  ): Promise<PermissionOverride[] | undefined>;
}
