import type { ChatLine } from "../cluster/ClusterBus.js";

/** Who a cross-room chat line is for; unset fields do not filter. */
export interface ChatFilter {
  district?: string | undefined;
  organization?: string | undefined;
  toCharacterId?: string | undefined;
}

/** What a room offers to process-wide actions. */
export interface LocalRoom {
  readonly roomId: string;
  closeAccountSessions(accountId: string, sessionId: string | null, code: number): number;
  /** Ends the character's presence here (saved, lease freed); true if it was here. */
  evictCharacter(characterId: string, code: number): Promise<boolean>;
  deliverChat(line: ChatLine, filter: ChatFilter): number;
  announce(text: string, at: number): void;
  /** Switch to this content revision at the next tick boundary. */
  applyContent(revision: number, pack: unknown): void;
  /** The account's chat is blocked until `until` (epoch ms), or unblocked (null). */
  applyMute(accountId: string, until: number | null, reason: string | null): void;
}

/** The rooms living in this process, for process-wide actions driven by the cluster bus. */
export class LocalRooms {
  private readonly rooms = new Set<LocalRoom>();

  add(room: LocalRoom): void {
    this.rooms.add(room);
  }

  delete(room: LocalRoom): void {
    this.rooms.delete(room);
  }

  closeAccountSessions(accountId: string, sessionId: string | null, code: number): number {
    let closed = 0;
    for (const room of this.rooms) closed += room.closeAccountSessions(accountId, sessionId, code);
    return closed;
  }

  async evictCharacter(characterId: string, code: number): Promise<boolean> {
    for (const room of this.rooms) if (await room.evictCharacter(characterId, code)) return true;
    return false;
  }

  deliverChat(line: ChatLine, filter: ChatFilter): number {
    let delivered = 0;
    for (const room of this.rooms) delivered += room.deliverChat(line, filter);
    return delivered;
  }

  announce(text: string, at: number): void {
    for (const room of this.rooms) room.announce(text, at);
  }

  applyMute(accountId: string, until: number | null, reason: string | null): void {
    for (const room of this.rooms) room.applyMute(accountId, until, reason);
  }

  /** Every room of this process, for process-wide work (content deploys, GM metrics). */
  all(): Iterable<LocalRoom> {
    return this.rooms;
  }

  get size(): number {
    return this.rooms.size;
  }
}
