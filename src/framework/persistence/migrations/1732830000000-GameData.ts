import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * A game's own per-character state that has no column of its own (a game
 * built on the framework stores its fields here: tag keeps its score).
 */
export class GameData1732830000000 implements MigrationInterface {
  name = "GameData1732830000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE characters ADD COLUMN game_data jsonb NOT NULL DEFAULT '{}'::jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE characters DROP COLUMN game_data`);
  }
}
