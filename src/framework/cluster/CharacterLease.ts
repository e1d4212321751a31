/**
 * One live copy of a character across every process. A lease is held by the
 * room session that plays the character, expires unless renewed (so a crashed
 * process frees its characters within `ttlSeconds`), and doubles as the
 * directory that finds a character by id or name on any process.
 */
export interface LeaseEntry {
  characterId: string;
  name: string;
  accountId: string;
  organization: string;
  district: string;
  roomId: string;
  processId: string;
  sessionId: string;
}

export interface CharacterLease {
  readonly ttlSeconds: number;
  /** True if this entry now holds the character; false if someone else does. */
  acquire(entry: LeaseEntry): Promise<boolean>;
  /**
   * Takes the character from `fromOwner` (a session of a process known to be
   * dead), only if that owner still holds it: compare-and-set.
   */
  steal(entry: LeaseEntry, fromOwner: string): Promise<boolean>;
  /**
   * Extends the leases this process still holds (a lease that vanished, as in
   * a Redis restart, is taken again) and returns the entries someone else
   * holds now: those copies must stop.
   */
  renew(entries: LeaseEntry[]): Promise<LeaseEntry[]>;
  /** Gives the character up, only if this session still holds it. */
  release(entry: Pick<LeaseEntry, "characterId" | "name" | "processId" | "sessionId">): Promise<void>;
  locate(characterId: string): Promise<LeaseEntry | undefined>;
  findByName(name: string): Promise<LeaseEntry | undefined>;
  close(): Promise<void>;
}

export const ownerOf = (e: Pick<LeaseEntry, "processId" | "sessionId">) => `${e.processId}/${e.sessionId}`;
