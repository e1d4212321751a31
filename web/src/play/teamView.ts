import type { TeamMember, TeamUpdate } from "../../../src/mxo/contract/serverMessages.js";

/** What the team panel shows, from the `team` message alone (pure, tested in web/test). */

/** Contract §7 / issue 15: teams of up to six. The server enforces it (`team_full`); this only greys the form. */
export const TEAM_MAX = 6;

export interface MemberRow {
  name: string;
  /** "Richland · level 12", "· offline" when the server says so. */
  detail: string;
  leader: boolean;
  self: boolean;
  online: boolean;
  /** The leader may kick anyone but itself. */
  canKick: boolean;
}

export interface TeamView {
  inTeam: boolean;
  amLeader: boolean;
  full: boolean;
  /** "3/6", or "" out of a team. */
  size: string;
  members: MemberRow[];
  /** A pending invite to answer: who sent it. */
  inviteFrom?: string;
  /** "answer within 45 seconds", when the server says how long the invite lasts. */
  inviteExpiry?: string;
  /** May this player invite? Out of a team anyone may (it founds one); in one, only the leader, while not full. */
  canInvite: boolean;
}

export function teamView(
  update: TeamUpdate | undefined,
  me: string,
  districtName: (id: string) => string,
): TeamView {
  const members = update?.members ?? [];
  const self = members.find((m) => sameName(m.name, me));
  const amLeader = Boolean(self?.leader);
  const inTeam = members.length > 0;
  const full = members.length >= TEAM_MAX;
  const rows = [...members].sort(order(me)).map((m) => {
    const online = m.online !== false;
    return {
      name: m.name,
      detail: `${districtName(m.district)} · level ${m.level}${online ? "" : " · offline"}`,
      leader: m.leader,
      self: sameName(m.name, me),
      online,
      canKick: amLeader && !sameName(m.name, me),
    };
  });
  return {
    inTeam,
    amLeader,
    full,
    size: inTeam ? `${members.length}/${TEAM_MAX}` : "",
    members: rows,
    ...(update?.invite ? { inviteFrom: update.invite.from } : {}),
    ...(update?.invite?.expiresIn !== undefined
      ? { inviteExpiry: `answer within ${Math.max(0, Math.round(update.invite.expiresIn))} seconds` }
      : {}),
    canInvite: !inTeam || (amLeader && !full),
  };
}

/** Leader first, then yourself, then by name. */
function order(me: string) {
  return (a: TeamMember, b: TeamMember) =>
    Number(b.leader) - Number(a.leader) ||
    Number(sameName(b.name, me)) - Number(sameName(a.name, me)) ||
    a.name.localeCompare(b.name);
}

/** Character names are unique regardless of case on the server; compare them the same way. */
function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
