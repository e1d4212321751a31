import { ownerOf, type CharacterLease, type LeaseEntry } from "./CharacterLease.js";

/** The single-process adapter: a map with expiry, same semantics as Redis. */
export class LocalCharacterLease implements CharacterLease {
  private readonly byId = new Map<string, { entry: LeaseEntry; expires: number }>();

  constructor(readonly ttlSeconds: number) {}

  private live(characterId: string): LeaseEntry | undefined {
    const held = this.byId.get(characterId);
    if (!held) return undefined;
    if (held.expires <= Date.now()) {
      this.byId.delete(characterId);
      return undefined;
    }
    return held.entry;
  }

  async acquire(entry: LeaseEntry): Promise<boolean> {
    const current = this.live(entry.characterId);
    if (current && ownerOf(current) !== ownerOf(entry)) return false;
    this.byId.set(entry.characterId, { entry: { ...entry }, expires: Date.now() + this.ttlSeconds * 1000 });
    return true;
  }

  async steal(entry: LeaseEntry, fromOwner: string): Promise<boolean> {
    const current = this.live(entry.characterId);
    if (current && ownerOf(current) !== fromOwner) return false;
    this.byId.set(entry.characterId, { entry: { ...entry }, expires: Date.now() + this.ttlSeconds * 1000 });
    return true;
  }

  async renew(entries: LeaseEntry[]): Promise<LeaseEntry[]> {
    const lost: LeaseEntry[] = [];
    for (const e of entries) {
      const current = this.live(e.characterId);
      if (current && ownerOf(current) !== ownerOf(e)) lost.push(e);
      else this.byId.set(e.characterId, { entry: { ...e }, expires: Date.now() + this.ttlSeconds * 1000 });
    }
    return lost;
  }

  async release(e: Pick<LeaseEntry, "characterId" | "processId" | "sessionId">): Promise<void> {
    const current = this.live(e.characterId);
    if (current && ownerOf(current) === ownerOf(e)) this.byId.delete(e.characterId);
  }

  async locate(characterId: string): Promise<LeaseEntry | undefined> {
    return this.live(characterId);
  }

  async findByName(name: string): Promise<LeaseEntry | undefined> {
    const lower = name.toLowerCase();
    for (const id of this.byId.keys()) {
      const e = this.live(id);
      if (e && e.name.toLowerCase() === lower) return e;
    }
    return undefined;
  }

  async close(): Promise<void> {
    this.byId.clear();
  }
}
