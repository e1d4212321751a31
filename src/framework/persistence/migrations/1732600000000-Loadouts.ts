import type { MigrationInterface, QueryRunner } from "typeorm";

/** The abilities a character loaded at a hardline; null keeps the starter loadout for its level. */
export class Loadouts1732600000000 implements MigrationInterface {
  name = "Loadouts1732600000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE characters ADD COLUMN loadout jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE characters DROP COLUMN loadout`);
  }
}
