import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Which session may write a character, kept beside the state it guards. The
 * Redis lease keeps a character in one place while Redis lives; this row is
 * the fence that still holds when Redis restarts empty: a session claims it
 * (a new epoch) before loading, every save names its epoch, and a claim never
 * takes a character whose owner is alive and has not let go.
 */
export class CharacterOwnership1732820000000 implements MigrationInterface {
  name = "CharacterOwnership1732820000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE characters ADD COLUMN owner text`);
    await q.query(`ALTER TABLE characters ADD COLUMN owner_epoch bigint NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE characters ADD COLUMN owner_until timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE characters DROP COLUMN owner_until`);
    await q.query(`ALTER TABLE characters DROP COLUMN owner_epoch`);
    await q.query(`ALTER TABLE characters DROP COLUMN owner`);
  }
}
