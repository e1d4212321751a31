import type { MigrationInterface, QueryRunner } from "typeorm";

/** Game events for analytics, written in batches (never from inside a tick). */
export class Analytics1732700000000 implements MigrationInterface {
  name = "Analytics1732700000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE game_events (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL,
      kind varchar(32) NOT NULL,
      account_id uuid,
      character_id uuid,
      district varchar(32),
      amount bigint,
      data jsonb NOT NULL DEFAULT '{}'::jsonb
    )`);
    await q.query(`CREATE INDEX game_events_character ON game_events (character_id, at)`);
    await q.query(`CREATE INDEX game_events_kind ON game_events (kind, at)`);
    await q.query(`CREATE INDEX game_events_district ON game_events (district, at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE game_events`);
  }
}
