import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Which organizations exist is a game's rule (MxO: zion, machines,
 * merovingian; tag: runners), checked where characters are created
 * (`CharacterRules.organizations`), no longer by the shared table.
 */
export class GameOrganizations1732840000000 implements MigrationInterface {
  name = "GameOrganizations1732840000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE characters DROP CONSTRAINT IF EXISTS characters_organization_check`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE characters ADD CONSTRAINT characters_organization_check CHECK (organization IN ('zion', 'machines', 'merovingian'))`,
    );
  }
}
