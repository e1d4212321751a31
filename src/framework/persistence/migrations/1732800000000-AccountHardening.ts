import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Account hardening: the last TOTP time-step used (codes are single-use), the
 * moment a session proved a second factor (staff need one), and secrets
 * generated in development that every process sharing the database must agree on.
 */
export class AccountHardening1732800000000 implements MigrationInterface {
  name = "AccountHardening1732800000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE accounts ADD COLUMN totp_last_step bigint`);
    await q.query(`ALTER TABLE sessions ADD COLUMN mfa_at timestamptz`);
    await q.query(`CREATE TABLE server_secrets (
      name varchar(64) PRIMARY KEY,
      value text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE server_secrets`);
    await q.query(`ALTER TABLE sessions DROP COLUMN mfa_at`);
    await q.query(`ALTER TABLE accounts DROP COLUMN totp_last_step`);
  }
}
