import type { LedgerKind } from "../../economy/ledgerOps.js";

/** One entry to write: its own idempotency key and, for trades, the other side. */
export interface LedgerLeg {
  key: string;
  characterId: string;
  itemId: string;
  quantity: number;
  kind: LedgerKind;
  counterpartyId: string | null;
}

/** One written entry, as first applied (a replay returns the same values). */
export interface LedgerEntryResult {
  entryId: string;
  characterId: string;
  itemId: string;
  kind: LedgerKind;
  quantity: number;
  /** What the character held of the item right after this entry. */
  balance: number;
  createdAt: Date;
}

export interface BatchResult {
  replayed: boolean;
  /** In the order of the legs given. */
  entries: LedgerEntryResult[];
}

export interface InventoryStack {
  itemId: string;
  quantity: number;
}

/** A character's entries and what it holds, read from one snapshot. */
export interface LedgerHoldings {
  /** Per item id, the sum of the character's entries. */
  entries: Map<string, number>;
  /** Per item id, the inventory quantity (currency excluded). */
  stacks: Map<string, number>;
  currency: number;
}

/**
 * Entries of the ledger and the inventories and currency they change,
 * written together.
 */
export interface LedgerStore {
  /**
   * Writes every leg with the change it records, all or nothing, as a unit,
   * in (character, item) order and, for one character's item, in the order given.
   * Idempotent by key: legs whose keys were written before return what they
   * did then (`replayed`), nothing applied again. Refusals are thrown with
   * nothing written (src/framework/economy/errors.ts): an unknown character, a take
   * beyond what is held, a stack beyond its range, a key used before for
   * another operation.
   */
  write(legs: LedgerLeg[], meta: { reason: string; actor: string }): Promise<BatchResult>;
  /** Non-empty stacks, by item id. */
  inventory(characterId: string): Promise<InventoryStack[]>;
  /** Undefined when there is no such character. */
  currency(characterId: string): Promise<number | undefined>;
  /** The sum of every character's currency. */
  circulation(): Promise<number>;
  /** Undefined when there is no such character. */
  holdings(characterId: string): Promise<LedgerHoldings | undefined>;
}
