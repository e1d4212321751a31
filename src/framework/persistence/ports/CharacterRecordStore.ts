/** A character as stored, with its account's username. */
export interface CharacterRecord {
  id: string;
  accountId: string;
  username: string;
  name: string;
  district: string;
  x: number;
  y: number;
  z: number;
  level: number;
  experience: number;
  hp: number;
  maxHp: number;
  /** The attributes, as the game stored them (JSON, one number per attribute). */
  stats: unknown;
}

/** Whose a character is. */
export interface CharacterOwnership {
  id: string;
  name: string;
  accountId: string;
  username: string;
}

/** The numeric columns a staff tool may set directly. */
export type CharacterField = "level" | "experience" | "hp";

/**
 * Characters as stored, for staff tools that also work on characters not in
 * play. Changes apply only while no session claims the row (see
 * CharacterStore's claims): a character that came online meanwhile is left
 * to the room that holds it.
 */
export interface CharacterRecordStore {
  /** By name, case-insensitively. */
  byName(name: string): Promise<CharacterRecord | undefined>;
  /** By name, case-insensitively. */
  ownershipByName(name: string): Promise<CharacterOwnership | undefined>;
  /** Sets the field while the row is unclaimed; the value before, or undefined when it is claimed (or gone). */
  setField(id: string, field: CharacterField, value: number): Promise<number | undefined>;
  /** Sets one attribute while the row is unclaimed; the value before, or undefined when it is claimed (or gone). */
  setStat(id: string, stat: string, value: number): Promise<number | undefined>;
  levelAndStats(id: string): Promise<{ level: number; stats: unknown } | undefined>;
  /** Sets the maximum health (health capped to it) while the row is unclaimed. */
  setMaxHp(id: string, maxHp: number): Promise<void>;
}
