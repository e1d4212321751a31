import { Column, Entity, PrimaryColumn } from "typeorm";
import type { CharacterStats, Organization } from "../src/mxo/rules/characterRules.js";
import type { MissionState } from "../src/mxo/rules/missions/types.js";
import type { Reputation } from "../src/mxo/rules/missions/reputation.js";

type GameDataScalar = string | number | boolean | null;
/**
 * What a game stores in one of its fields: a JSON scalar, a list of them, or
 * one level of named scalars (MxO's equipment by slot). Not recursive: TypeORM's
 * DeepPartial of the entity cannot expand a recursive type.
 */
export type GameDataValue = GameDataScalar | GameDataScalar[] | { [key: string]: GameDataScalar };

/**
 * A game's own per-character fields. A save replaces whole top-level fields
 * (a JSON merge at the first level), so a field is the unit a game writes.
 */
export type GameData = { [field: string]: GameDataValue };

@Entity({ name: "characters" })
export class Character {
  @PrimaryColumn("uuid")
  id!: string;

  @Column("uuid", { name: "account_id" })
  accountId!: string;

  /** Unique case-insensitively (index on lower(name)). */
  @Column("varchar", { length: 24 })
  name!: string;

  @Column("varchar", { length: 16 })
  organization!: Organization;

  @Column("integer", { default: 1 })
  level!: number;

  @Column("bigint", { default: 0, transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  experience!: number;

  @Column("varchar", { length: 32 })
  district!: string;

  @Column("double precision")
  x!: number;

  @Column("double precision")
  y!: number;

  @Column("double precision", { default: 0 })
  z!: number;

  @Column("double precision", { default: 0 })
  heading!: number;

  @Column("integer")
  hp!: number;

  @Column("integer", { name: "max_hp" })
  maxHp!: number;

  @Column("jsonb")
  stats!: CharacterStats;

  /**
   * Monotonic counter of saved snapshots. A save only applies when its version
   * is newer, so a late write-behind flush can never overwrite a fresher save.
   */
  @Column("bigint", {
    name: "state_version",
    default: 0,
    transformer: { to: (v: number) => v, from: (v: string) => Number(v) },
  })
  stateVersion!: number;

  /** Active missions with their progress, and completion counts (src/mxo/rules/missions). */
  @Column("jsonb", { default: () => `'{"active":[],"completed":{}}'` })
  missions!: MissionState;

  @Column("jsonb", { default: () => `'{"zion":100,"machines":0,"merovingian":0}'` })
  reputation!: Reputation;

  /** Abilities loaded at a hardline; null: the starter loadout for the character's level. */
  @Column("jsonb", { nullable: true })
  loadout!: string[] | null;

  /** A game's own per-character fields that have no column (tag's score). */
  @Column("jsonb", { name: "game_data", default: () => "'{}'" })
  gameData!: GameData;

  @Column("timestamptz", { name: "created_at", default: () => "now()" })
  createdAt!: Date;

  @Column("timestamptz", { name: "saved_at", nullable: true })
  savedAt!: Date | null;
}
