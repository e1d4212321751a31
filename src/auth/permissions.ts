/**
 * Permission strings (contract §4): a grant ending in `.*` covers its whole
 * subtree (`gm.*` covers `gm.command.kick`), `*` covers everything. Grants
 * live in the database (`role_permissions`, per-account overrides); these are
 * the pure rules applied to them.
 */

/** Every role the server knows; accounts may only be given these. */
export const ROLES = [
  "super_admin",
  "admin",
  "moderator",
  "support",
  "analyst",
  "gm_tier1",
  "gm_tier2",
  "gm_tier3",
  "player",
] as const;
export type Role = (typeof ROLES)[number];

/** GM tiers in order: an escalation lifts an account one step up this ladder. */
export const GM_TIERS = ["gm_tier1", "gm_tier2", "gm_tier3"] as const;

/** Roles whose accounts must use TOTP once they have enrolled, and may not skip it. */
export const STAFF_ROLES: ReadonlySet<string> = new Set(ROLES.filter((r) => r !== "player"));

export function grantMatches(grant: string, permission: string): boolean {
  if (grant === "*" || grant === permission) return true;
  return grant.endsWith(".*") && permission.startsWith(grant.slice(0, -1));
}

/** What an account may do: the grants of its roles plus its own grants, minus its denies. */
export interface PermissionSet {
  grants: readonly string[];
  /** Per-account denies win over any grant. */
  denies: readonly string[];
}

export function allows(set: PermissionSet, permission: string): boolean {
  if (set.denies.some((d) => grantMatches(d, permission))) return false;
  return set.grants.some((g) => grantMatches(g, permission));
}

/** The next GM tier above the highest one held, or undefined at the top or without any. */
export function nextTier(roles: readonly string[]): (typeof GM_TIERS)[number] | undefined {
  let highest = -1;
  for (const r of roles) highest = Math.max(highest, GM_TIERS.indexOf(r as (typeof GM_TIERS)[number]));
  return highest >= 0 ? GM_TIERS[highest + 1] : undefined;
}
