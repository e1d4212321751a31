export type SanctionKind = "ban" | "mute";

/** A ban or mute as stored: it may have run out already. */
export interface StoredSanction {
  until: Date | null;
  reason: string | null;
}

/** Bans and mutes on accounts. */
export interface SanctionStore {
  /** Undefined when there is no such account. */
  get(accountId: string, kind: SanctionKind): Promise<StoredSanction | undefined>;
  /**
   * Sets (`until` given) or lifts the ban, as a unit: a ban also revokes
   * every session of the account still live, so nothing issued before it
   * survives.
   */
  setBan(accountId: string, until: Date | null, reason: string | null): Promise<void>;
  setMute(accountId: string, until: Date | null, reason: string | null): Promise<void>;
}
