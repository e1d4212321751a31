import { Column, Entity, PrimaryColumn } from "typeorm";

/**
 * One stack of one item held by one character. Written only by
 * `LedgerService`, in the transaction that records the ledger entry; the
 * quantity may be 0 (a stack emptied by a take) and never below (CHECK).
 */
@Entity({ name: "inventory_items" })
export class InventoryItem {
  @PrimaryColumn("uuid", { name: "character_id" })
  characterId!: string;

  /** Content id of the item; never "currency", which lives in `characters.currency`. */
  @PrimaryColumn("text", { name: "item_id" })
  itemId!: string;

  @Column("integer")
  quantity!: number;

  @Column("timestamptz", { name: "updated_at", default: () => "now()" })
  updatedAt!: Date;
}
