import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Escalations wait for a second person (issue #13): a request is stored
 * pending (no `expires_at` yet) and runs only once someone who holds the tier
 * asked for approves it. Escalations that were granted by their own holder
 * before this rule existed are ended here.
 *
 * `ban` now reads a bare name as a character's; the ban and unban inverses
 * recorded before named the account by username, so they say so explicitly
 * (`account:<username>`) and a reversal still lands on that account.
 */
export class StaffRules1732810000000 implements MigrationInterface {
  name = "StaffRules1732810000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE escalations ALTER COLUMN expires_at DROP NOT NULL`);
    await q.query(`ALTER TABLE escalations ADD COLUMN seconds integer`);
    await q.query(`ALTER TABLE escalations ADD COLUMN approved_by uuid`);
    await q.query(`ALTER TABLE escalations ADD COLUMN approved_at timestamptz`);
    await q.query(`ALTER TABLE escalations ADD COLUMN decided_by uuid`);
    await q.query(`UPDATE escalations SET ended_at = now() WHERE ended_at IS NULL`);
    await q.query(`CREATE INDEX escalations_pending ON escalations (started_at) WHERE approved_at IS NULL`);
    await q.query(
      `UPDATE gm_actions SET inverse = jsonb_set(inverse, '{args,0}', to_jsonb('account:' || (inverse->'args'->>0)))
        WHERE inverse->>'command' IN ('ban', 'unban') AND inverse->'args'->>0 NOT LIKE 'account:%'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `UPDATE gm_actions SET inverse = jsonb_set(inverse, '{args,0}', to_jsonb(substr(inverse->'args'->>0, 9)))
        WHERE inverse->>'command' IN ('ban', 'unban') AND inverse->'args'->>0 LIKE 'account:%'`,
    );
    await q.query(`DROP INDEX escalations_pending`);
    await q.query(`DELETE FROM escalations WHERE expires_at IS NULL`);
    await q.query(`ALTER TABLE escalations DROP COLUMN decided_by`);
    await q.query(`ALTER TABLE escalations DROP COLUMN approved_at`);
    await q.query(`ALTER TABLE escalations DROP COLUMN approved_by`);
    await q.query(`ALTER TABLE escalations DROP COLUMN seconds`);
    await q.query(`ALTER TABLE escalations ALTER COLUMN expires_at SET NOT NULL`);
  }
}
