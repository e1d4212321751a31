/**
 * Teams (contract §7): who may invite, join, leave and kick, who leads after
 * whom, and who shares a kill. Pure: the room side (src/mxo/zone/teams) reads
 * the shared record, asks these rules, and writes the answer back atomically.
 */

/** A team holds at most this many characters. */
export const TEAM_MAX = 6;
/** An invite lapses after this long unanswered. */
export const INVITE_SECONDS = 60;
/**
 * A member who leaves the game stays in the team this long (a relog, a
 * process drain or a lost connection keeps the team), then is removed.
 */
export const OFFLINE_GRACE_SECONDS = 300;
/** Teammates within this many world units of a kill or objective, in the same room, share its credit. */
export const TEAM_CREDIT_RADIUS = 100;

export interface TeamSeat {
  characterId: string;
  name: string;
  district: string;
  level: number;
  online: boolean;
  /** When the member left the game (epoch ms), while offline. */
  offlineSince?: number;
}

/** The shared record of one team: members in the order they joined (the order leadership passes in). */
export interface TeamRecord {
  id: string;
  leader: string;
  members: TeamSeat[];
}

/** A pending invite, kept on the invitee: who sent it, and a snapshot of them should they found the team. */
export interface TeamInvite {
  from: TeamSeat;
  /** When it lapses (epoch ms). */
  expiresAt?: number;
}

export type TeamRefusalCode =
  "team_full" | "not_leader" | "already_in_team" | "no_invite" | "not_in_team" | "invalid_target";

export interface TeamRefusal {
  ok: false;
  code: TeamRefusalCode;
  message: string;
}

const refuse = (code: TeamRefusalCode, message: string): TeamRefusal => ({ ok: false, code, message });

/** Whether `inviter` (in `team`, or none) may invite `target` (in `targetTeam`, or none). */
export function checkInvite(
  inviter: { characterId: string },
  team: TeamRecord | undefined,
  target: { characterId: string; name: string },
  targetTeam: TeamRecord | undefined,
): { ok: true } | TeamRefusal {
  if (target.characterId === inviter.characterId) {
    return refuse("invalid_target", "You cannot invite yourself to a team");
  }
  if (team && team.leader !== inviter.characterId) {
    return refuse("not_leader", `Only ${leaderName(team)}, who leads your team, can invite`);
  }
  if (team && team.members.length >= TEAM_MAX) {
    return refuse("team_full", `Your team already has ${TEAM_MAX} members`);
  }
  if (targetTeam) {
    const same = team && targetTeam.id === team.id;
    return refuse("already_in_team", `${target.name} is already in ${same ? "your" : "a"} team`);
  }
  return { ok: true };
}

/**
 * `me` accepts an invite from `invite.from`, who is now in `inviterTeam` (or
 * none: the team is founded with the inviter as leader). `newId` names a new team.
 */
export function acceptInvite(
  me: TeamSeat,
  myTeam: TeamRecord | undefined,
  invite: TeamInvite | undefined,
  inviterTeam: TeamRecord | undefined,
  newId: string,
): { ok: true; team: TeamRecord } | TeamRefusal {
  if (!invite) return refuse("no_invite", noInviteMessage());
  if (myTeam) return refuse("already_in_team", "You are already in a team; leave it first");
  const from = invite.from;
  if (!inviterTeam) {
    return { ok: true, team: { id: newId, leader: from.characterId, members: [from, me] } };
  }
  if (inviterTeam.leader !== from.characterId) {
    return refuse("no_invite", `${from.name} no longer leads a team; the invite has lapsed`);
  }
  if (inviterTeam.members.length >= TEAM_MAX) {
    return refuse("team_full", `${from.name}'s team is full (${TEAM_MAX} members)`);
  }
  return { ok: true, team: { ...inviterTeam, members: [...inviterTeam.members, me] } };
}

export function noInviteMessage(): string {
  return `You have no team invite waiting (an invite lasts ${INVITE_SECONDS} seconds)`;
}

/**
 * The team without `characterId`: undefined when one member or none would be
 * left (a team of one dissolves). Leadership passes when the leader goes.
 */
export function withoutMember(team: TeamRecord, characterId: string): TeamRecord | undefined {
  const members = team.members.filter((m) => m.characterId !== characterId);
  if (members.length <= 1) return undefined;
  const next = { ...team, members };
  return team.leader === characterId ? { ...next, leader: successor(next, characterId) } : next;
}

/**
 * Who leads after `leaving` (who steps down, leaves or goes offline): the
 * member who joined earliest among those online, else the earliest of all.
 */
export function successor(team: TeamRecord, leaving: string): string {
  const others = team.members.filter((m) => m.characterId !== leaving);
  return (others.find((m) => m.online) ?? others[0] ?? team.members[0]!).characterId;
}

/** The leader removes `name` (case-insensitive) from the team. */
export function kickMember(
  team: TeamRecord | undefined,
  actor: string,
  name: string,
): { ok: true; kicked: TeamSeat; team: TeamRecord | undefined } | TeamRefusal {
  if (!team) return refuse("not_in_team", "You are not in a team");
  if (team.leader !== actor) return refuse("not_leader", `Only ${leaderName(team)} can remove members`);
  const kicked = team.members.find((m) => m.name.toLowerCase() === name.toLowerCase());
  if (!kicked) return refuse("not_in_team", `${name} is not in your team`);
  if (kicked.characterId === actor) return refuse("invalid_target", "Use leave to leave your own team");
  return { ok: true, kicked, team: withoutMember(team, kicked.characterId) };
}

/**
 * A member's seat changes (enters a district, levels, goes offline). An
 * offline leader hands the lead to an online member, so the team can still invite.
 */
export function updateSeat(team: TeamRecord, seat: TeamSeat): TeamRecord {
  const members = team.members.map((m) => (m.characterId === seat.characterId ? seat : m));
  const next = { ...team, members };
  if (!seat.online && team.leader === seat.characterId) {
    const lead = successor(next, seat.characterId);
    if (next.members.find((m) => m.characterId === lead)?.online) return { ...next, leader: lead };
  }
  return next;
}

/** Members offline longer than the grace are removed; the team may dissolve. */
export function purgeOffline(
  team: TeamRecord,
  now: number,
): { team: TeamRecord | undefined; removed: TeamSeat[] } {
  const expired = (m: TeamSeat) =>
    !m.online && m.offlineSince !== undefined && now - m.offlineSince >= OFFLINE_GRACE_SECONDS * 1000;
  const removed = team.members.filter(expired);
  let next: TeamRecord | undefined = team;
  for (const m of removed) next = next && withoutMember(next, m.characterId);
  return { team: next, removed };
}

export function leaderName(team: TeamRecord): string {
  return team.members.find((m) => m.characterId === team.leader)?.name ?? "the leader";
}

/** The members as the `team` message shows them (contract §7), leader flagged. */
export function teamView(team: TeamRecord | undefined) {
  return (team?.members ?? []).map((m) => ({
    name: m.name,
    district: m.district,
    level: m.level,
    leader: m.characterId === team!.leader,
    online: m.online,
  }));
}

/**
 * Teammates who share a kill or an objective: those among `mates` within
 * TEAM_CREDIT_RADIUS of where it happened (`at`), ids as given.
 */
export function creditedMates<T extends { x: number; y: number }>(
  at: { x: number; y: number },
  mates: Iterable<[string, T]>,
  radius = TEAM_CREDIT_RADIUS,
): string[] {
  const out: string[] = [];
  for (const [id, p] of mates) if (Math.hypot(p.x - at.x, p.y - at.y) <= radius) out.push(id);
  return out;
}
