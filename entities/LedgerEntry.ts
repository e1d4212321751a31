import { Column, Entity, PrimaryColumn } from "typeorm";

const bigintNumber = {
  to: (v: number | null) => v,
  from: (v: string | null) => (v === null ? null : Number(v)),
};

/**
 * One signed change of one item (or of currency) of one character. Rows are
 * only ever inserted: the sum of a character's rows per item equals what it
 * holds (`LedgerService.verifyLedger`).
 */
@Entity({ name: "ledger_entries" })
export class LedgerEntry {
  @PrimaryColumn("uuid")
  id!: string;

  @Column("uuid", { name: "character_id" })
  characterId!: string;

  /** `LedgerKind`: grant, take, loot, trade, gm_give, … */
  @Column("varchar", { length: 32 })
  kind!: string;

  /** Content id of the item, or "currency". */
  @Column("text", { name: "item_id" })
  itemId!: string;

  /** Positive: gained; negative: lost. Never 0. */
  @Column("bigint", { transformer: bigintNumber })
  quantity!: number;

  /** What the character held of the item right after this entry; a replay returns it. */
  @Column("bigint", { name: "balance_after", nullable: true, transformer: bigintNumber })
  balanceAfter!: number | null;

  /** The other side of a trade. */
  @Column("uuid", { name: "counterparty_id", nullable: true })
  counterpartyId!: string | null;

  /** Unique: the same operation retried or raced finds this row instead of applying again. */
  @Column("text", { name: "idempotency_key", unique: true })
  idempotencyKey!: string;

  @Column("text", { default: "" })
  reason!: string;

  /** Who caused it: "system", "gm:<account id>", "player:<character id>", … */
  @Column("text")
  actor!: string;

  @Column("timestamptz", { name: "created_at", default: () => "now()" })
  createdAt!: Date;
}
