import type { MigrationInterface, QueryRunner } from "typeorm";

export class Initial1732200000000 implements MigrationInterface {
  name = "Initial1732200000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE accounts (
        id uuid PRIMARY KEY,
        username varchar(24) NOT NULL,
        password_hash text NOT NULL,
        roles text[] NOT NULL DEFAULT '{player}',
        token_version integer NOT NULL DEFAULT 0,
        failed_login_count integer NOT NULL DEFAULT 0,
        locked_until timestamptz NULL,
        banned_until timestamptz NULL,
        ban_reason text NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_login_at timestamptz NULL
      )`);
    await q.query(`CREATE UNIQUE INDEX accounts_username_lower_key ON accounts (lower(username))`);

    await q.query(`
      CREATE TABLE sessions (
        id uuid PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        refresh_hash text NOT NULL,
        rotations integer NOT NULL DEFAULT 0,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz NULL,
        revoked_reason text NULL,
        ip text NULL,
        user_agent text NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX sessions_account_id_idx ON sessions (account_id)`);

    await q.query(`
      CREATE TABLE characters (
        id uuid PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        name varchar(24) NOT NULL,
        organization varchar(16) NOT NULL CHECK (organization IN ('zion', 'machines', 'merovingian')),
        level integer NOT NULL DEFAULT 1 CHECK (level >= 1),
        experience bigint NOT NULL DEFAULT 0 CHECK (experience >= 0),
        district varchar(32) NOT NULL,
        x double precision NOT NULL,
        y double precision NOT NULL,
        z double precision NOT NULL DEFAULT 0,
        heading double precision NOT NULL DEFAULT 0,
        hp integer NOT NULL CHECK (hp >= 0),
        max_hp integer NOT NULL CHECK (max_hp > 0),
        stats jsonb NOT NULL,
        state_version bigint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        saved_at timestamptz NULL
      )`);
    await q.query(`CREATE UNIQUE INDEX characters_name_lower_key ON characters (lower(name))`);
    await q.query(`CREATE INDEX characters_account_id_idx ON characters (account_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE characters`);
    await q.query(`DROP TABLE sessions`);
    await q.query(`DROP TABLE accounts`);
  }
}
