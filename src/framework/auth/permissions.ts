/**
 * Permission strings (contract §4): a grant ending in `.*` covers its whole
 * subtree (`gm.*` covers `gm.command.kick`), `*` covers everything. Grants
 * live in the database (`role_permissions`, per-account overrides); these are
 * the pure rules applied to them, and the staff rules built on them.
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

/**
 * The one rank order, lowest first. Each role carries every permission of the
 * roles below it in its line (moderator ⊂ gm_tier1 ⊂ gm_tier2 ⊂ gm_tier3 ⊂
 * admin ⊂ super_admin; support ⊂ gm_tier1), so rank follows power over other
 * accounts. analyst and support act on nobody (analyst holds `analytics.*`,
 * which only admins also hold, but no command on accounts), so they sit
 * lowest among staff. No one acts on an account of their rank or above.
 */
export const RANK_ORDER = [
  "player",
  "analyst",
  "support",
  "moderator",
  "gm_tier1",
  "gm_tier2",
  "gm_tier3",
  "admin",
  "super_admin",
] as const satisfies readonly Role[];

/** An account's rank: the highest of its roles (a running escalation counts); 0 for a plain player. */
export function rankOf(roles: readonly string[]): number {
  let rank = 0;
  for (const r of roles) rank = Math.max(rank, roleRank(r));
  return rank;
}

export function roleRank(role: string): number {
  return Math.max(0, (RANK_ORDER as readonly string[]).indexOf(role));
}

/** The role a rank stands for, for messages. */
export function rankName(rank: number): string {
  return RANK_ORDER[rank] ?? "player";
}

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

/**
 * Whether two permission patterns share any permission. Patterns are exact
 * strings or whole subtrees, so two of them meet only when one contains the
 * other.
 */
export function overlaps(a: string, b: string): boolean {
  return grantMatches(a, b) || grantMatches(b, a);
}

/**
 * Whether the set holds every permission `pattern` covers: `gm.*` needs one
 * grant of `gm.*` or wider (the permission space is open, so no union of
 * narrower grants covers a subtree) and no deny anywhere inside it; `*` needs
 * `*` and no deny at all. This is what it takes to hand `pattern` to someone.
 */
export function holdsAll(set: PermissionSet, pattern: string): boolean {
  if (set.denies.some((d) => overlaps(d, pattern))) return false;
  return set.grants.some((g) => grantMatches(g, pattern));
}

/** The next GM tier above the highest one held, or undefined at the top or without any. */
export function nextTier(roles: readonly string[]): (typeof GM_TIERS)[number] | undefined {
  let highest = -1;
  for (const r of roles) highest = Math.max(highest, GM_TIERS.indexOf(r as (typeof GM_TIERS)[number]));
  return highest >= 0 ? GM_TIERS[highest + 1] : undefined;
}

/** What a staff rule needs to know about an account. */
export interface Ranked {
  accountId: string;
  username: string;
  roles: readonly string[];
  permissions: PermissionSet;
}

/**
 * Why `actor` may not act on `target`, or undefined when it may: the target
 * must rank strictly below the actor (so never oneself, never a peer).
 */
export function outranks(actor: Ranked, target: Ranked): string | undefined {
  const mine = rankOf(actor.roles);
  const theirs = rankOf(target.roles);
  if (actor.accountId === target.accountId) return "you cannot do this to your own account";
  if (theirs >= mine) {
    return `${target.username} ranks ${rankName(theirs)}, not below your ${rankName(mine)}`;
  }
  return undefined;
}

/**
 * Why `actor` may not change `target`'s roles from `before` to `after`, or
 * undefined: the target ranks below the actor, and every role added or
 * removed ranks below the actor and carries nothing the actor does not wholly
 * hold. So a role comes only from someone above it (super_admin from no one:
 * the operator sets it with ADMIN_USERNAME).
 */
export function roleChangeRefusal(
  actor: Ranked,
  target: Ranked,
  before: readonly string[],
  after: readonly string[],
  grantsOf: (role: string) => readonly string[],
): string | undefined {
  const notBelow = outranks(actor, target);
  if (notBelow) return notBelow;
  const mine = rankOf(actor.roles);
  const changed = [...after.filter((r) => !before.includes(r)), ...before.filter((r) => !after.includes(r))];
  for (const role of changed) {
    if (roleRank(role) >= mine) return `${role} does not rank below your ${rankName(mine)}`;
    const missing = grantsOf(role).find((p) => !holdsAll(actor.permissions, p));
    if (missing !== undefined) return `${role} carries ${missing}, which you do not wholly hold`;
  }
  return undefined;
}

/**
 * Why `actor` may not replace `target`'s overrides, or undefined: the target
 * ranks below the actor, and every grant or deny added or removed is one the
 * actor wholly holds (removing a deny hands a permission back; adding one
 * takes away what only a holder should decide on).
 */
export function overrideChangeRefusal(
  actor: Ranked,
  target: Ranked,
  before: readonly { permission: string; effect: string }[],
  after: readonly { permission: string; effect: string }[],
): string | undefined {
  const notBelow = outranks(actor, target);
  if (notBelow) return notBelow;
  const key = (o: { permission: string; effect: string }) => `${o.effect} ${o.permission}`;
  const was = new Set(before.map(key));
  const now = new Set(after.map(key));
  const changed = [...after.filter((o) => !was.has(key(o))), ...before.filter((o) => !now.has(key(o)))];
  const missing = changed.find((o) => !holdsAll(actor.permissions, o.permission));
  return missing ? `${missing.permission} is not wholly yours to ${missing.effect}` : undefined;
}

/**
 * Why `approver` may not approve `requester`'s escalation to `role`, or
 * undefined: a second person, ranked at `role` or above and holding every
 * permission it carries, so an escalation never reaches past its approver.
 */
export function escalationApprovalRefusal(
  approver: Ranked,
  requester: Ranked,
  role: string,
  grantsOf: (role: string) => readonly string[],
): string | undefined {
  if (approver.accountId === requester.accountId) return "a second person must approve your escalation";
  if (rankOf(approver.roles) < roleRank(role)) return `approving ${role} needs a rank of ${role} or above`;
  const missing = grantsOf(role).find((p) => !holdsAll(approver.permissions, p));
  return missing !== undefined ? `${role} carries ${missing}, which you do not wholly hold` : undefined;
}
