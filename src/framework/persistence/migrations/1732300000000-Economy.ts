import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Inventory, currency and the ledger every change of them goes through
 * (`src/framework/economy/LedgerService.ts`). The CHECKs are the last line of defence:
 * no bug in the service can leave a negative stack or balance behind.
 */
export class Economy1732300000000 implements MigrationInterface {
  name = "Economy1732300000000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE characters
        ADD COLUMN currency bigint NOT NULL DEFAULT 0 CONSTRAINT characters_currency_check CHECK (currency >= 0)`);

    await q.query(`
      CREATE TABLE ledger_entries (
        id uuid PRIMARY KEY,
        character_id uuid NOT NULL REFERENCES characters(id) ON DELETE CASCADE,
        kind varchar(32) NOT NULL,
        item_id text NOT NULL,
        quantity bigint NOT NULL CHECK (quantity <> 0),
        balance_after bigint NULL,
        counterparty_id uuid NULL,
        idempotency_key text NOT NULL CONSTRAINT ledger_entries_idempotency_key_key UNIQUE,
        reason text NOT NULL DEFAULT '',
        actor text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ledger_entries_character_item_idx ON ledger_entries (character_id, item_id)`);

    await q.query(`
      CREATE TABLE inventory_items (
        character_id uuid NOT NULL REFERENCES characters(id) ON DELETE CASCADE,
        item_id text NOT NULL CHECK (item_id <> 'currency'),
        quantity integer NOT NULL CHECK (quantity >= 0),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (character_id, item_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE inventory_items`);
    await q.query(`DROP TABLE ledger_entries`);
    await q.query(`ALTER TABLE characters DROP COLUMN currency`);
  }
}
