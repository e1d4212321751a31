/** A new character, as the game made it. */
export interface NewCharacter {
  id: string;
  accountId: string;
  name: string;
  organization: string;
  level: number;
  experience: number;
  district: string;
  x: number;
  y: number;
  z: number;
  heading: number;
  hp: number;
  maxHp: number;
  /** The attributes, as the game stores them (JSON). */
  stats: unknown;
  stateVersion: number;
}

/** One of an account's characters, as a character list shows it. */
export interface RosterEntry {
  id: string;
  name: string;
  district: string;
  organization: string;
  level: number;
}

export type CreateOutcome = "created" | "limit_reached" | "name_taken";

/** The characters of each account. */
export interface CharacterRosterStore {
  /** Oldest first. */
  list(accountId: string): Promise<RosterEntry[]>;
  /**
   * Stores the character unless its account already has `maxPerAccount`, as
   * a unit with the account locked (concurrent creations take turns, so the
   * limit holds), or unless its name is taken (case-insensitively).
   */
  create(character: NewCharacter, maxPerAccount: number): Promise<CreateOutcome>;
}
