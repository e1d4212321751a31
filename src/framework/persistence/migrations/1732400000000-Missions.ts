import type { MigrationInterface, QueryRunner } from "typeorm";

/** Mission progress and organization reputation travel with the character. */
export class Missions1732400000000 implements MigrationInterface {
  name = "Missions1732400000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE characters ADD COLUMN missions jsonb NOT NULL DEFAULT '{"active":[],"completed":{}}'::jsonb`,
    );
    await q.query(
      `ALTER TABLE characters ADD COLUMN reputation jsonb NOT NULL DEFAULT '{"zion":100,"machines":0,"merovingian":0}'::jsonb`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE characters DROP COLUMN reputation`);
    await q.query(`ALTER TABLE characters DROP COLUMN missions`);
  }
}
