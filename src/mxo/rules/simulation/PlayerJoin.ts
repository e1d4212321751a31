import type { CharacterStats } from "../characterRules.js";

/** A character entering the district, as loaded from persistence. */
export interface PlayerJoin {
  sessionId: string;
  characterId: string;
  name: string;
  organization: string;
  x: number;
  y: number;
  z: number;
  heading: number;
  hp: number;
  maxHp: number;
  level: number;
  stats: CharacterStats;
  /** Lifetime experience; default 0. */
  experience?: number;
  /** Abilities loaded at a hardline (saved); absent or null: the starter loadout. */
  loadout?: string[] | null;
  /** Equipped items, slot → item id (saved in the character's game data); absent: none. */
  equipment?: Readonly<Record<string, string>>;
}
