import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The grants of contract §4 as they were when this migration was written.
 * Copied, not imported: a migration must insert the same rows forever; later
 * changes are made by later migrations or by admins through the API.
 */
const ROLE_PERMISSIONS: Record<string, string[]> = {
  super_admin: ["*"],
  admin: ["admin.*", "gm.*", "server.*", "economy.*", "analytics.*"],
  moderator: ["gm.command.kick", "gm.command.mute", "gm.command.unmute", "gm.view.*"],
  support: ["gm.view.*", "gm.command.inspect"],
  analyst: ["gm.view.*", "analytics.*"],
  gm_tier1: [
    "gm.command.kick",
    "gm.command.mute",
    "gm.command.unmute",
    "gm.command.teleport.self",
    "gm.command.inspect",
    "gm.view.*",
  ],
  gm_tier2: ["gm.command.*", "gm.view.*", "gm.stats.*"],
  gm_tier3: ["gm.*", "server.drain", "server.restart", "economy.*"],
  player: [],
};

/**
 * Staff tooling: role → permission grants and per-account overrides, mutes,
 * TOTP, temporary GM escalations, the hash-chained audit log, the GM actions
 * that can be reversed or replayed, commands waiting for a second GM, and
 * content pack revisions.
 */
export class GmAdmin1732500000000 implements MigrationInterface {
  name = "GmAdmin1732500000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE roles (
      name varchar(32) PRIMARY KEY,
      description text NOT NULL DEFAULT ''
    )`);
    await q.query(`CREATE TABLE role_permissions (
      role varchar(32) NOT NULL REFERENCES roles(name) ON DELETE CASCADE,
      permission varchar(128) NOT NULL,
      PRIMARY KEY (role, permission)
    )`);
    for (const [role, grants] of Object.entries(ROLE_PERMISSIONS)) {
      await q.query(`INSERT INTO roles (name) VALUES ($1)`, [role]);
      for (const grant of grants) {
        await q.query(`INSERT INTO role_permissions (role, permission) VALUES ($1, $2)`, [role, grant]);
      }
    }
    await q.query(`CREATE TABLE account_permission_overrides (
      account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
      permission varchar(128) NOT NULL,
      effect varchar(8) NOT NULL CHECK (effect IN ('grant', 'deny')),
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (account_id, permission)
    )`);

    await q.query(`ALTER TABLE accounts ADD COLUMN muted_until timestamptz`);
    await q.query(`ALTER TABLE accounts ADD COLUMN mute_reason text`);
    await q.query(`ALTER TABLE accounts ADD COLUMN totp_secret text`);
    await q.query(`ALTER TABLE accounts ADD COLUMN totp_enabled_at timestamptz`);

    await q.query(`CREATE TABLE escalations (
      id uuid PRIMARY KEY,
      account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
      role varchar(32) NOT NULL,
      reason text NOT NULL,
      started_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      ended_at timestamptz
    )`);
    await q.query(`CREATE INDEX escalations_account ON escalations (account_id, expires_at)`);

    // Append-only: each row's hash covers its content and the previous row's
    // hash, so an edit or a deletion breaks the chain from that row on.
    await q.query(`CREATE TABLE audit_log (
      seq bigserial PRIMARY KEY,
      id uuid NOT NULL UNIQUE,
      at timestamptz NOT NULL,
      actor_id uuid,
      actor varchar(64) NOT NULL,
      action varchar(64) NOT NULL,
      target varchar(128),
      args jsonb NOT NULL DEFAULT '[]'::jsonb,
      old_value jsonb,
      new_value jsonb,
      result varchar(16) NOT NULL,
      message text NOT NULL DEFAULT '',
      via varchar(8) NOT NULL,
      ip varchar(64),
      user_agent varchar(512),
      prev_hash char(64) NOT NULL,
      hash char(64) NOT NULL
    )`);
    await q.query(`CREATE INDEX audit_log_actor ON audit_log (actor, seq DESC)`);
    await q.query(`CREATE INDEX audit_log_action ON audit_log (action, seq DESC)`);
    await q.query(`CREATE INDEX audit_log_target ON audit_log (target, seq DESC)`);
    await q.query(`CREATE INDEX audit_log_at ON audit_log (at)`);

    await q.query(`CREATE TABLE gm_actions (
      id uuid PRIMARY KEY,
      command varchar(32) NOT NULL,
      args jsonb NOT NULL,
      actor_id uuid,
      actor varchar(64) NOT NULL,
      target varchar(128),
      inverse jsonb,
      replayable boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      reversed_at timestamptz,
      reversed_by uuid
    )`);

    await q.query(`CREATE TABLE gm_approvals (
      id uuid PRIMARY KEY,
      command varchar(32) NOT NULL,
      args jsonb NOT NULL,
      requested_by uuid NOT NULL,
      requested_by_name varchar(64) NOT NULL,
      reason text NOT NULL,
      status varchar(16) NOT NULL DEFAULT 'pending',
      created_at timestamptz NOT NULL DEFAULT now(),
      decided_by uuid,
      decided_at timestamptz,
      action_id uuid
    )`);

    await q.query(`CREATE TABLE content_revisions (
      revision serial PRIMARY KEY,
      pack jsonb NOT NULL,
      sha256 char(64) NOT NULL,
      note text NOT NULL DEFAULT '',
      created_by varchar(64) NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      deployed_at timestamptz
    )`);
    // One row: what every process runs, and what ran before it (for rollback).
    await q.query(`CREATE TABLE content_deployment (
      id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
      revision integer REFERENCES content_revisions(revision),
      history integer[] NOT NULL DEFAULT '{}',
      deployed_by varchar(64),
      deployed_at timestamptz
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE content_deployment`);
    await q.query(`DROP TABLE content_revisions`);
    await q.query(`DROP TABLE gm_approvals`);
    await q.query(`DROP TABLE gm_actions`);
    await q.query(`DROP TABLE audit_log`);
    await q.query(`DROP TABLE escalations`);
    await q.query(`ALTER TABLE accounts DROP COLUMN totp_enabled_at`);
    await q.query(`ALTER TABLE accounts DROP COLUMN totp_secret`);
    await q.query(`ALTER TABLE accounts DROP COLUMN mute_reason`);
    await q.query(`ALTER TABLE accounts DROP COLUMN muted_until`);
    await q.query(`DROP TABLE account_permission_overrides`);
    await q.query(`DROP TABLE role_permissions`);
    await q.query(`DROP TABLE roles`);
  }
}
