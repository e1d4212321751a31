import type {
  BatchResult,
  InventoryStack,
  LedgerEntryResult,
  LedgerLeg,
  LedgerStore,
} from "../persistence/ports/LedgerStore.js";
import { UnknownCharacterError } from "./errors.js";
import {
  CURRENCY,
  LedgerBatchSchema,
  LedgerOpSchema,
  parseOp,
  SwapOpSchema,
  TransferOpSchema,
  type LedgerBatch,
  type LedgerOp,
  type SwapOp,
  type TransferOp,
} from "./ledgerOps.js";

export type { BatchResult, InventoryStack, LedgerEntryResult } from "../persistence/ports/LedgerStore.js";

export interface ApplyResult extends LedgerEntryResult {
  /** True when the key had already been applied: nothing changed this time. */
  replayed: boolean;
}

export interface TransferResult {
  replayed: boolean;
  from: LedgerEntryResult;
  to: LedgerEntryResult;
}

export interface LedgerMismatch {
  itemId: string;
  /** Sum of the ledger entries. */
  ledger: number;
  /** Inventory quantity, or the currency column. */
  held: number;
}

export interface LedgerVerification {
  ok: boolean;
  mismatches: LedgerMismatch[];
}

/**
 * The one way items and currency change hands. Every grant, take, loot,
 * trade, GM give and mission reward is a ledger entry, written with the
 * inventory or currency change it records as one unit, idempotent by key
 * (see LedgerStore): a retried or duplicated operation applies once, a take
 * beyond what is held is refused with nothing written. Never call it inside a
 * tick: it awaits the database.
 */
export class LedgerService {
  constructor(private readonly store: LedgerStore) {}

  async apply(op: LedgerOp): Promise<ApplyResult> {
    const p = parseOp(LedgerOpSchema, op);
    const leg: LedgerLeg = {
      key: p.idempotencyKey,
      characterId: p.characterId,
      itemId: p.itemId,
      quantity: p.quantity,
      kind: p.kind,
      counterpartyId: null,
    };
    const { replayed, entries } = await this.store.write([leg], p);
    return { ...entries[0]!, replayed };
  }

  /**
   * Several changes, all or nothing, under one key (stored as `<key>#0`,
   * `<key>#1`, …): a purchase (currency out, item in), or a mission turn-in
   * (collected items out, rewards in).
   */
  async applyAll(batch: LedgerBatch): Promise<BatchResult> {
    const p = parseOp(LedgerBatchSchema, batch);
    const legs = p.legs.map((l, i) => ({ ...l, key: `${p.idempotencyKey}#${i}`, counterpartyId: null }));
    return this.store.write(legs, p);
  }

  /** Moves `quantity` of an item (or currency) from one character to another, atomically. */
  async transfer(op: TransferOp): Promise<TransferResult> {
    const p = parseOp(TransferOpSchema, op);
    const legs: LedgerLeg[] = [
      {
        key: `${p.idempotencyKey}#from`,
        characterId: p.from,
        itemId: p.itemId,
        quantity: -p.quantity,
        kind: "trade",
        counterpartyId: p.to,
      },
      {
        key: `${p.idempotencyKey}#to`,
        characterId: p.to,
        itemId: p.itemId,
        quantity: p.quantity,
        kind: "trade",
        counterpartyId: p.from,
      },
    ];
    const { replayed, entries } = await this.store.write(legs, p);
    return { replayed, from: entries[0]!, to: entries[1]! };
  }

  /**
   * A trade: `a` hands over `aGives` and `b` hands over `bGives`, every leg
   * written with kind "trade" and the other character as counterparty, all or
   * nothing in one transaction. Keyed by the trade (`<key>#a0-`, `<key>#a0+`,
   * …), so a retry after a lost answer applies once. A side that no longer
   * holds what it gives is refused (InsufficientQuantityError) and nothing moves.
   * Debits come before credits, so neither side can hand over what it only
   * receives in the same swap.
   */
  async swap(op: SwapOp): Promise<BatchResult> {
    const p = parseOp(SwapOpSchema, op);
    const legs = (side: "a" | "b", sign: 1 | -1): LedgerLeg[] => {
      const [giver, taker] = side === "a" ? [p.a, p.b] : [p.b, p.a];
      return (side === "a" ? p.aGives : p.bGives).map((g, i) => ({
        key: `${p.idempotencyKey}#${side}${i}${sign < 0 ? "-" : "+"}`,
        characterId: sign < 0 ? giver : taker,
        itemId: g.itemId,
        quantity: sign * g.quantity,
        kind: "trade",
        counterpartyId: sign < 0 ? taker : giver,
      }));
    };
    return this.store.write([...legs("a", -1), ...legs("b", -1), ...legs("a", 1), ...legs("b", 1)], p);
  }

  /** Currency held by all characters together: what is in circulation. */
  async circulation(): Promise<number> {
    return this.store.circulation();
  }

  /** Non-empty stacks, by item id. */
  async inventory(characterId: string): Promise<InventoryStack[]> {
    return this.store.inventory(characterId);
  }

  async balance(characterId: string): Promise<number> {
    const currency = await this.store.currency(characterId);
    if (currency === undefined) throw new UnknownCharacterError(characterId);
    return currency;
  }

  /**
   * The invariant: per item, the sum of the character's ledger entries equals
   * its inventory quantity, and for "currency" its balance. Read from one
   * snapshot, so operations running meanwhile cannot cause false alarms.
   */
  async verifyLedger(characterId: string): Promise<LedgerVerification> {
    const holdings = await this.store.holdings(characterId);
    if (!holdings) throw new UnknownCharacterError(characterId);
    const held = new Map(holdings.stacks);
    held.set(CURRENCY, holdings.currency);
    const ledger = holdings.entries;
    const mismatches: LedgerMismatch[] = [];
    for (const itemId of [...new Set([...held.keys(), ...ledger.keys()])].sort()) {
      const fromLedger = ledger.get(itemId) ?? 0;
      const fromHeld = held.get(itemId) ?? 0;
      if (fromLedger !== fromHeld) mismatches.push({ itemId, ledger: fromLedger, held: fromHeld });
    }
    return { ok: mismatches.length === 0, mismatches };
  }
}
