import { matchMaker, ServerError, type Client } from "@colyseus/core";
import type { LeaseEntry } from "../cluster/CharacterLease.js";
import type { ChatLine } from "../cluster/ClusterBus.js";
import { humanDuration } from "../commands/args.js";
import type { ChatFilter, LocalRoom } from "../server/LocalRooms.js";
import { AppError } from "../util/errors.js";
import { isServiceFault } from "../util/faults.js";
import type { ZoneClient, ZoneServices } from "./ZoneServices.js";

/** Who plays in a zone, as every game knows them (a game's member record extends this). */
export interface ZoneMember {
  characterId: string;
  name: string;
  accountId: string;
  organization: string;
}

/** Listing entry for admin views (returned through `remoteRoomCall`, so plain JSON). */
export interface PlayerListing {
  characterId: string;
  name: string;
  organization: string;
  district: string;
  roomId: string;
  processId: string;
}

/** What the members need of their room. */
export interface MembersRoom {
  readonly roomId: string;
  readonly zoneId: string;
  readonly services: ZoneServices;
  readonly clients: Iterable<ZoneClient> & { getById(id: string): ZoneClient | undefined };
  broadcast(type: string, message: unknown): void;
  error(client: Client, code: string, message: string): void;
  endSession(sessionId: string, code: number, reason: string): boolean;
  saveLater(sessionId: string): void;
  /** A content revision was deployed (games with content swap it at their next tick). */
  applyContent?(revision: number, pack: unknown): void;
}

/**
 * The players of one zone room, and what the process does to them from
 * outside (LocalRoom): close an account's sessions, evict a character taken
 * over elsewhere, deliver cross-room chat, announce, mute, deploy content.
 */
export class ZoneMembers<M extends ZoneMember> implements LocalRoom {
  private readonly bySession = new Map<string, M>();
  /** Sessions the server is closing on purpose: no reconnection grace for them. */
  private readonly closingSessions = new Set<string>();

  constructor(private readonly room: MembersRoom) {}

  get roomId(): string {
    return this.room.roomId;
  }

  get size(): number {
    return this.bySession.size;
  }

  get(sessionId: string): M | undefined {
    return this.bySession.get(sessionId);
  }

  has(sessionId: string): boolean {
    return this.bySession.has(sessionId);
  }

  ids(): IterableIterator<string> {
    return this.bySession.keys();
  }

  values(): IterableIterator<M> {
    return this.bySession.values();
  }

  entries(): IterableIterator<[string, M]> {
    return this.bySession.entries();
  }

  [Symbol.iterator](): IterableIterator<[string, M]> {
    return this.bySession.entries();
  }

  add(sessionId: string, member: M): void {
    this.bySession.set(sessionId, member);
    this.room.services.metrics.playersOnline.inc({
      district: this.room.zoneId,
      organization: member.organization,
    });
  }

  remove(sessionId: string): M | undefined {
    const member = this.bySession.get(sessionId);
    if (!member) return undefined;
    this.bySession.delete(sessionId);
    this.room.services.metrics.playersOnline.dec({
      district: this.room.zoneId,
      organization: member.organization,
    });
    return member;
  }

  sessionOf(characterId: string): string | undefined {
    for (const [sessionId, m] of this.bySession) if (m.characterId === characterId) return sessionId;
    return undefined;
  }

  /** Closes a client on purpose: no reconnection grace. */
  close(client: Client, code: number, reason?: string): void {
    this.closingSessions.add(client.sessionId);
    client.leave(code, reason);
  }

  closing(sessionId: string): boolean {
    return this.closingSessions.has(sessionId);
  }

  forgetClosing(sessionId: string): void {
    this.closingSessions.delete(sessionId);
  }

  save(sessionId: string): void {
    this.room.saveLater(sessionId);
  }

  saveAll(): void {
    for (const sessionId of this.bySession.keys()) this.room.saveLater(sessionId);
  }

  listing(): PlayerListing[] {
    const { roomId, zoneId: district } = this.room;
    return [...this.bySession.values()].map(({ characterId, name, organization }) => ({
      characterId,
      name,
      organization,
      district,
      roomId,
      processId: matchMaker.processId,
    }));
  }

  // ---- LocalRoom -----------------------------------------------------------

  closeAccountSessions(accountId: string, sessionId: string | null, code: number): number {
    let closed = 0;
    for (const client of this.room.clients) {
      if (client.auth?.accountId !== accountId) continue;
      if (sessionId !== null && client.auth.authSessionId !== sessionId) continue;
      this.close(client, code);
      closed++;
    }
    return closed;
  }

  async evictCharacter(characterId: string, code: number): Promise<boolean> {
    return this.evict(characterId, code);
  }

  evict(characterId: string, code: number): boolean {
    const sessionId = this.sessionOf(characterId);
    if (!sessionId) return false;
    this.room.endSession(sessionId, code, "character taken over by another session");
    return true;
  }

  deliverChat(line: ChatLine, filter: ChatFilter): number {
    if (filter.district !== undefined && filter.district !== this.room.zoneId) return 0;
    let delivered = 0;
    for (const client of this.room.clients) {
      const m = this.bySession.get(client.sessionId);
      if (!m) continue;
      if (filter.toCharacterId !== undefined && m.characterId !== filter.toCharacterId) continue;
      if (filter.organization !== undefined && m.organization !== filter.organization) continue;
      client.send("chat", line);
      delivered++;
    }
    return delivered;
  }

  announce(text: string, at: number): void {
    this.room.broadcast("announce", { text, at });
  }

  applyContent(revision: number, pack: unknown): void {
    this.room.applyContent?.(revision, pack);
  }

  applyMute(accountId: string, until: number | null, reason: string | null): void {
    for (const client of this.room.clients) {
      if (client.auth?.accountId !== accountId) continue;
      client.auth.mutedUntil = until;
      client.auth.muteReason = reason;
      if (until)
        this.room.error(client, "muted", `You have been muted for ${humanDuration(until - Date.now())}`);
    }
  }
}

/** The lease entry of a member of a room: who holds the character, where. */
export function zoneLease(
  room: { readonly roomId: string; readonly zoneId: string },
  sessionId: string,
  who: ZoneMember,
): LeaseEntry {
  const { characterId, name, accountId, organization } = who;
  const { roomId, zoneId: district } = room;
  return {
    characterId,
    name,
    accountId,
    organization,
    district,
    roomId,
    processId: matchMaker.processId,
    sessionId,
  };
}

/** What the game service is unavailable looks like to a client. */
const UNAVAILABLE = "The game service is unavailable right now; try again shortly";

/** A failure under a join or a message, as the client sees it: refusals as they are, backing-service faults as 503. */
export function joinError(err: unknown): unknown {
  if (err instanceof AppError) return new ServerError(err.status, err.message);
  if (isServiceFault(err)) return new ServerError(503, UNAVAILABLE);
  return err;
}
