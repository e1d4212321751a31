/** One analytics event, as written. */
export interface StoredGameEvent {
  at: Date;
  kind: string;
  accountId: string | null;
  characterId: string | null;
  district: string | null;
  amount: number | null;
  data: Record<string, unknown>;
}

/** Per kind of event: how many, their amounts summed, the wins among them, first and last. */
export interface EventKindTotals {
  kind: string;
  count: number;
  amount: number;
  /** Events whose `data.result` is `win`. */
  wins: number;
  first: Date;
  last: Date;
}

/** The character and its account, for a per-character summary. */
export interface CharacterOwner {
  name: string;
  accountId: string;
  username: string;
}

export interface DistrictDayTotals {
  district: string;
  /** UTC, `YYYY-MM-DD`. */
  day: string;
  /** Characters with at least one event that day. */
  players: number;
  kinds: { kind: string; count: number; amount: number }[];
}

/** Analytics events: written in batches, read as per-character and per-district-day totals. */
export interface GameEventStore {
  /** All of them in one statement: all stored, or none. */
  append(events: StoredGameEvent[]): Promise<void>;
  /** Undefined when there is no such character (or the id cannot be one). */
  owner(characterId: string): Promise<CharacterOwner | undefined>;
  /** The character's events by kind, and the account's logins. */
  characterTotals(characterId: string, accountId: string): Promise<EventKindTotals[]>;
  /** Events with a district over the last `days` days, per district and UTC day. */
  districtDays(days: number): Promise<DistrictDayTotals[]>;
}
