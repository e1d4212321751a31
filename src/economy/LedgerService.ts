import { randomUUID } from "node:crypto";
import { In, MoreThan, type DataSource, type EntityManager } from "typeorm";
import { InventoryItem } from "../../entities/InventoryItem.js";
import { LedgerEntry } from "../../entities/LedgerEntry.js";
import {
  IdempotencyConflictError,
  InsufficientQuantityError,
  QuantityOverflowError,
  UnknownCharacterError,
} from "./errors.js";
import {
  CURRENCY,
  LedgerBatchSchema,
  LedgerOpSchema,
  parseOp,
  TransferOpSchema,
  type LedgerBatch,
  type LedgerKind,
  type LedgerOp,
  type TransferOp,
} from "./ledgerOps.js";

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

export interface ApplyResult extends LedgerEntryResult {
  /** True when the key had already been applied: nothing changed this time. */
  replayed: boolean;
}

export interface BatchResult {
  replayed: boolean;
  /** In the order of the legs given. */
  entries: LedgerEntryResult[];
}

export interface TransferResult {
  replayed: boolean;
  from: LedgerEntryResult;
  to: LedgerEntryResult;
}

export interface InventoryStack {
  itemId: string;
  quantity: number;
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

/** A resolved entry to write: its own row key and, for trades, the other side. */
interface Leg {
  key: string;
  characterId: string;
  itemId: string;
  quantity: number;
  kind: LedgerKind;
  counterpartyId: string | null;
}

interface Meta {
  reason: string;
  actor: string;
}

/** Deadlocks and serialization failures are retried; the key makes a retry safe. */
const RETRYABLE = new Set(["40P01", "40001"]);
const MAX_ATTEMPTS = 4;

/**
 * The one way items and currency change hands. Every grant, take, loot,
 * trade, GM give and mission reward is a ledger entry written in the same
 * transaction as the inventory or currency change it records:
 *
 * 1. `INSERT … ON CONFLICT (idempotency_key) DO NOTHING`: a concurrent
 *    duplicate blocks on the unique index until the first commits, then finds
 *    the row; the first to insert owns the operation.
 * 2. Already there → the original result is read back and returned (refused
 *    when the key was used for different content); nothing is applied again.
 * 3. Otherwise the inventory row is upserted or the currency updated with a
 *    guard (`quantity + Δ >= 0`) that, under the row lock, re-reads the newest
 *    value: concurrent takes cannot overdraw. A refused take rolls back the
 *    entry with it, so the same key may succeed later.
 *
 * Rows are changed in (character, item) order so two opposite trades lock in
 * the same order and cannot deadlock. Never call it inside a tick: it awaits
 * the database.
 */
export class LedgerService {
  private readonly serialize: boolean;
  private queue: Promise<unknown> = Promise.resolve();

  /**
   * `serializeTransactions`: run one ledger transaction at a time. Needed on the
   * embedded database, where PGlite has a single session shared by every
   * query, so two open transactions would interleave into one (a rollback of
   * either would undo both). Defaults to on when the DataSource uses a custom
   * driver (how `openDatabase` plugs PGlite in), off for a Postgres pool.
   */
  constructor(
    private readonly db: DataSource,
    options: { serializeTransactions?: boolean } = {},
  ) {
    this.serialize =
      options.serializeTransactions ?? (db.options as { driver?: unknown }).driver !== undefined;
  }

  async apply(op: LedgerOp): Promise<ApplyResult> {
    const p = parseOp(LedgerOpSchema, op);
    const leg: Leg = {
      key: p.idempotencyKey,
      characterId: p.characterId,
      itemId: p.itemId,
      quantity: p.quantity,
      kind: p.kind,
      counterpartyId: null,
    };
    const { replayed, entries } = await this.run([leg], p);
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
    return this.run(legs, p);
  }

  /** Moves `quantity` of an item (or currency) from one character to another, atomically. */
  async transfer(op: TransferOp): Promise<TransferResult> {
    const p = parseOp(TransferOpSchema, op);
    const legs: Leg[] = [
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
    const { replayed, entries } = await this.run(legs, p);
    return { replayed, from: entries[0]!, to: entries[1]! };
  }

  /** Non-empty stacks, by item id. */
  async inventory(characterId: string): Promise<InventoryStack[]> {
    const rows = await this.db.getRepository(InventoryItem).find({
      where: { characterId, quantity: MoreThan(0) },
      order: { itemId: "ASC" },
    });
    return rows.map((r) => ({ itemId: r.itemId, quantity: r.quantity }));
  }

  async balance(characterId: string): Promise<number> {
    const rows: { currency: string }[] = await this.db.query(
      `SELECT currency FROM characters WHERE id = $1`,
      [characterId],
    );
    if (!rows[0]) throw new UnknownCharacterError(characterId);
    return Number(rows[0].currency);
  }

  /**
   * The invariant: per item, the sum of the character's ledger entries equals
   * its inventory quantity, and for "currency" its balance. Read from one
   * snapshot, so operations running meanwhile cannot cause false alarms.
   */
  async verifyLedger(characterId: string): Promise<LedgerVerification> {
    return this.exclusive(() =>
      this.db.transaction("REPEATABLE READ", async (em) => {
        const sums: { item_id: string; total: string }[] = await records(
          em,
          `SELECT item_id, sum(quantity)::text AS total FROM ledger_entries WHERE character_id = $1 GROUP BY item_id`,
          [characterId],
        );
        const stacks: { item_id: string; quantity: number }[] = await records(
          em,
          `SELECT item_id, quantity FROM inventory_items WHERE character_id = $1`,
          [characterId],
        );
        const character: { currency: string }[] = await records(
          em,
          `SELECT currency FROM characters WHERE id = $1`,
          [characterId],
        );
        if (!character[0]) throw new UnknownCharacterError(characterId);

        const held = new Map<string, number>(stacks.map((s) => [s.item_id, s.quantity]));
        held.set(CURRENCY, Number(character[0].currency));
        const ledger = new Map<string, number>(sums.map((s) => [s.item_id, Number(s.total)]));
        const mismatches: LedgerMismatch[] = [];
        for (const itemId of [...new Set([...held.keys(), ...ledger.keys()])].sort()) {
          const fromLedger = ledger.get(itemId) ?? 0;
          const fromHeld = held.get(itemId) ?? 0;
          if (fromLedger !== fromHeld) mismatches.push({ itemId, ledger: fromLedger, held: fromHeld });
        }
        return { ok: mismatches.length === 0, mismatches };
      }),
    );
  }

  private async run(legs: Leg[], meta: Meta): Promise<BatchResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.exclusive(() => this.db.transaction((em) => this.write(em, legs, meta)));
      } catch (err) {
        if (attempt < MAX_ATTEMPTS && RETRYABLE.has(pgCode(err) ?? "")) continue;
        throw err;
      }
    }
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.serialize) return fn();
    const run = this.queue.then(fn);
    this.queue = run.catch(() => {});
    return run;
  }

  private async write(em: EntityManager, legs: Leg[], meta: Meta): Promise<BatchResult> {
    const ids = legs.map(() => randomUUID());
    const params: unknown[] = [];
    const tuples = legs.map((leg, i) => {
      params.push(
        ids[i],
        leg.characterId,
        leg.kind,
        leg.itemId,
        leg.quantity,
        leg.counterpartyId,
        leg.key,
        meta.reason,
        meta.actor,
      );
      const n = i * 9;
      return `($${n + 1}, $${n + 2}, $${n + 3}, $${n + 4}, $${n + 5}, $${n + 6}, $${n + 7}, $${n + 8}, $${n + 9})`;
    });
    let inserted: { id: string }[];
    try {
      inserted = await records(
        em,
        `INSERT INTO ledger_entries
           (id, character_id, kind, item_id, quantity, counterparty_id, idempotency_key, reason, actor)
         VALUES ${tuples.join(", ")}
         ON CONFLICT (idempotency_key) DO NOTHING
         RETURNING id`,
        params,
      );
    } catch (err) {
      if (pgCode(err) === "23503") throw new UnknownCharacterError(unknownCharacter(err, legs));
      throw err;
    }

    if (inserted.length === 0) return { replayed: true, entries: await this.replay(em, legs) };
    // Some legs' keys taken, others not: another operation used one of these keys.
    if (inserted.length !== legs.length) throw new IdempotencyConflictError(legs[0]!.key.split("#")[0]!);

    const order = legs
      .map((leg, i) => ({ leg, i }))
      .sort((a, b) => compare(a.leg.characterId, b.leg.characterId) || compare(a.leg.itemId, b.leg.itemId));
    const balances: number[] = new Array<number>(legs.length);
    for (const { leg, i } of order) balances[i] = await this.change(em, leg);

    const rows: { id: string; created_at: Date }[] = await records(
      em,
      `UPDATE ledger_entries AS l SET balance_after = v.balance
         FROM unnest($1::uuid[], $2::bigint[]) AS v(id, balance)
        WHERE l.id = v.id
        RETURNING l.id, l.created_at`,
      [ids, balances],
    );
    const createdAt = new Map(rows.map((r) => [r.id, r.created_at]));
    return {
      replayed: false,
      entries: legs.map((leg, i) => ({
        entryId: ids[i]!,
        characterId: leg.characterId,
        itemId: leg.itemId,
        kind: leg.kind,
        quantity: leg.quantity,
        balance: balances[i]!,
        createdAt: createdAt.get(ids[i]!)!,
      })),
    };
  }

  /** Applies one leg to the inventory or the currency; returns the new amount held. */
  private async change(em: EntityManager, leg: Leg): Promise<number> {
    const { characterId, itemId, quantity } = leg;
    let rows: { amount: string | number }[];
    try {
      if (itemId === CURRENCY) {
        rows = await records(
          em,
          `UPDATE characters SET currency = currency + $2
            WHERE id = $1 AND currency + $2 >= 0
            RETURNING currency AS amount`,
          [characterId, quantity],
        );
      } else if (quantity > 0) {
        rows = await records(
          em,
          `INSERT INTO inventory_items (character_id, item_id, quantity) VALUES ($1, $2, $3)
           ON CONFLICT (character_id, item_id)
           DO UPDATE SET quantity = inventory_items.quantity + EXCLUDED.quantity, updated_at = now()
           RETURNING quantity AS amount`,
          [characterId, itemId, quantity],
        );
      } else {
        rows = await records(
          em,
          `UPDATE inventory_items SET quantity = quantity + $3, updated_at = now()
            WHERE character_id = $1 AND item_id = $2 AND quantity + $3 >= 0
            RETURNING quantity AS amount`,
          [characterId, itemId, quantity],
        );
      }
    } catch (err) {
      const code = pgCode(err);
      if (code === "22003") throw new QuantityOverflowError(characterId, itemId);
      if (code === "23514") throw new InsufficientQuantityError(characterId, itemId, -quantity, 0);
      throw err;
    }
    if (rows[0]) return Number(rows[0].amount);
    throw new InsufficientQuantityError(
      characterId,
      itemId,
      -quantity,
      await this.held(em, characterId, itemId),
    );
  }

  private async held(em: EntityManager, characterId: string, itemId: string): Promise<number> {
    const rows: { amount: string | number }[] =
      itemId === CURRENCY
        ? await records(em, `SELECT currency AS amount FROM characters WHERE id = $1`, [characterId])
        : await records(
            em,
            `SELECT quantity AS amount FROM inventory_items WHERE character_id = $1 AND item_id = $2`,
            [characterId, itemId],
          );
    return rows[0] ? Number(rows[0].amount) : 0;
  }

  /** The key was applied before: return what it did then, if it is the same operation. */
  private async replay(em: EntityManager, legs: Leg[]): Promise<LedgerEntryResult[]> {
    const rows = await em.getRepository(LedgerEntry).findBy({ idempotencyKey: In(legs.map((l) => l.key)) });
    const byKey = new Map(rows.map((r) => [r.idempotencyKey, r]));
    return legs.map((leg) => {
      const row = byKey.get(leg.key);
      if (
        !row ||
        row.characterId !== leg.characterId ||
        row.itemId !== leg.itemId ||
        row.quantity !== leg.quantity ||
        row.kind !== leg.kind ||
        row.counterpartyId !== leg.counterpartyId ||
        row.balanceAfter === null
      ) {
        throw new IdempotencyConflictError(leg.key.split("#")[0]!);
      }
      return {
        entryId: row.id,
        characterId: row.characterId,
        itemId: row.itemId,
        kind: leg.kind,
        quantity: row.quantity,
        balance: row.balanceAfter,
        createdAt: row.createdAt,
      };
    });
  }
}

/**
 * Rows of a statement. `EntityManager.query` returns `[rows, count]` for an
 * UPDATE … RETURNING but plain rows for an INSERT; the structured result has
 * `records` for both.
 */
async function records<T>(em: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  const runner = em.queryRunner;
  if (!runner) throw new Error("ledger statements run inside a transaction");
  const result = await runner.query(sql, params, true);
  return (result.records ?? []) as T[];
}

function pgCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === "string" ? code : undefined;
}

/** Which leg's character the foreign key rejected (Postgres names it in `detail`). */
function unknownCharacter(err: unknown, legs: Leg[]): string {
  const e = err as { detail?: unknown; driverError?: { detail?: unknown } };
  const detail = String(e.driverError?.detail ?? e.detail ?? "");
  return legs.find((l) => detail.includes(l.characterId))?.characterId ?? legs[0]!.characterId;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
