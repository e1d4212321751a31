import type { TeamInvite, TeamRecord } from "../../rules/teams.js";
import { INVITE_SECONDS } from "../../rules/teams.js";
import type { KeyWrite, TeamStore } from "./TeamStore.js";

/** A team and its membership index expire if nothing touches them for a day (abandoned teams). */
const TEAM_TTL_MS = 24 * 3600 * 1000;

export const teamKey = (id: string) => `mxo:team:${id}`;
export const memberKey = (characterId: string) => `mxo:team:of:${characterId}`;
export const inviteKey = (characterId: string) => `mxo:team:invite:${characterId}`;

function parse<T>(raw: string | null): T | undefined {
  if (raw === null) return undefined;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return undefined;
  }
}

/**
 * One attempt at a team change: every key it reads is remembered with the
 * value seen, the writes are staged, and `commit` applies them only if none
 * of those keys changed meanwhile (TeamStore.swap). Characters whose team
 * view changed are collected for the notification.
 */
export class TeamTx {
  private readonly seen = new Map<string, string | null>();
  private readonly writes = new Map<string, KeyWrite>();
  /** Characters to send a fresh `team` message once committed. */
  readonly touched = new Set<string>();

  constructor(private readonly store: TeamStore) {}

  private async read(key: string): Promise<string | null> {
    if (this.seen.has(key)) return this.seen.get(key)!;
    const [value] = await this.store.get([key]);
    this.seen.set(key, value ?? null);
    return value ?? null;
  }

  /** The team `characterId` is in, if its record still lists it. */
  async teamOf(characterId: string): Promise<TeamRecord | undefined> {
    const id = await this.read(memberKey(characterId));
    if (id === null) return undefined;
    const team = parse<TeamRecord>(await this.read(teamKey(id)));
    return team?.members.some((m) => m.characterId === characterId) ? team : undefined;
  }

  async invite(characterId: string): Promise<TeamInvite | undefined> {
    return parse<TeamInvite>(await this.read(inviteKey(characterId)));
  }

  /** Writes the team (and every member's index, so both expire together); `gone` members are let go. */
  saveTeam(id: string, team: TeamRecord | undefined, gone: Iterable<string> = []): void {
    this.put(teamKey(id), team ? JSON.stringify(team) : null, TEAM_TTL_MS);
    for (const m of team?.members ?? []) {
      this.put(memberKey(m.characterId), id, TEAM_TTL_MS);
      this.touched.add(m.characterId);
    }
    for (const characterId of gone) {
      this.put(memberKey(characterId), null, TEAM_TTL_MS);
      this.touched.add(characterId);
    }
  }

  setInvite(characterId: string, invite: TeamInvite | undefined): void {
    this.put(inviteKey(characterId), invite ? JSON.stringify(invite) : null, INVITE_SECONDS * 1000);
    this.touched.add(characterId);
  }

  private put(key: string, value: string | null, ttlMs: number): void {
    this.writes.set(key, { key, value, ttlMs });
  }

  /** False when something read changed before the writes could land: read again and decide again. */
  async commit(): Promise<boolean> {
    if (this.writes.size === 0) return true;
    const checks = [...this.seen].map(([key, value]) => ({ key, value }));
    return this.store.swap(checks, [...this.writes.values()]);
  }
}
