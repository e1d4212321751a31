/**
 * Roles grant permission strings; `*` at the end of a grant matches a whole
 * subtree (`gm.*` covers `gm.command.kick`). Contract §4. Defined in code for
 * now; the GM/admin work moves them to the database with per-account overrides.
 */
export const ROLE_PERMISSIONS: Readonly<Record<string, readonly string[]>> = {
  super_admin: ["*"],
  admin: ["admin.*", "gm.*", "server.*", "economy.*"],
  moderator: ["gm.command.kick", "gm.command.mute", "gm.command.unmute", "gm.view.*"],
  support: ["gm.view.players", "gm.command.inspect"],
  analyst: ["gm.view.*"],
  gm_tier1: [
    "gm.command.kick",
    "gm.command.mute",
    "gm.command.unmute",
    "gm.command.teleport.self",
    "gm.view.players",
  ],
  gm_tier2: ["gm.command.*", "gm.view.*", "gm.stats.*"],
  gm_tier3: ["gm.*", "server.drain", "server.restart", "economy.*"],
  player: [],
};

export function grantsOf(roles: readonly string[]): string[] {
  return roles.flatMap((r) => ROLE_PERMISSIONS[r] ?? []);
}

export function grantMatches(grant: string, permission: string): boolean {
  if (grant === "*" || grant === permission) return true;
  return grant.endsWith(".*") && permission.startsWith(grant.slice(0, -1));
}

export function hasPermission(roles: readonly string[], permission: string): boolean {
  return grantsOf(roles).some((g) => grantMatches(g, permission));
}
