import { randomUUID } from "node:crypto";
import { In, MoreThan, type DataSource, type EntityManager } from "typeorm";
import { InventoryItem } from "../../../../entities/InventoryItem.js";
import { LedgerEntry } from "../../../../entities/LedgerEntry.js";
import {
  IdempotencyConflictError,
  InsufficientQuantityError,
  QuantityOverflowError,
  UnknownCharacterError,
} from "../../economy/errors.js";
import { CURRENCY } from "../../economy/ledgerOps.js";
import type {
  BatchResult,
  InventoryStack,
  LedgerEntryResult,
  LedgerHoldings,
  LedgerLeg,
  LedgerStore,
} from "../ports/LedgerStore.js";
import { pgCode } from "./pgErrors.js";

/** Deadlocks and serialization failures are retried; the key makes a retry safe. */
const RETRYABLE = new Set(["40P01", "40001"]);
const MAX_ATTEMPTS = 4;

/**
 * Every entry is written in the same transaction as the inventory or currency
 * change it records:
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
 * the same order and cannot deadlock.
 */
export class TypeormLedgerStore implements LedgerStore {
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

  async write(legs: LedgerLeg[], meta: { reason: string; actor: string }): Promise<BatchResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.exclusive(() => this.db.transaction((em) => this.writeIn(em, legs, meta)));
      } catch (err) {
        if (attempt < MAX_ATTEMPTS && RETRYABLE.has(pgCode(err) ?? "")) continue;
        throw err;
      }
    }
  }

  async inventory(characterId: string): Promise<InventoryStack[]> {
    const rows = await this.db.getRepository(InventoryItem).find({
      where: { characterId, quantity: MoreThan(0) },
      order: { itemId: "ASC" },
    });
    return rows.map((r) => ({ itemId: r.itemId, quantity: r.quantity }));
  }

  async currency(characterId: string): Promise<number | undefined> {
    const rows: { currency: string }[] = await this.db.query(
      `SELECT currency FROM characters WHERE id = $1`,
      [characterId],
    );
    return rows[0] ? Number(rows[0].currency) : undefined;
  }

  /** In turn with the ledger's transactions on the embedded database: a scrape must not land inside one. */
  async circulation(): Promise<number> {
    const rows: { total: string }[] = await this.exclusive(() =>
      this.db.query(`SELECT coalesce(sum(currency), 0)::text AS total FROM characters`),
    );
    return Number(rows[0]?.total ?? 0);
  }

  /** Read from one snapshot, so operations running meanwhile cannot cause false alarms. */
  async holdings(characterId: string): Promise<LedgerHoldings | undefined> {
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
        if (!character[0]) return undefined;
        return {
          entries: new Map(sums.map((s) => [s.item_id, Number(s.total)])),
          stacks: new Map(stacks.map((s) => [s.item_id, s.quantity])),
          currency: Number(character[0].currency),
        };
      }),
    );
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.serialize) return fn();
    const run = this.queue.then(fn);
    this.queue = run.catch(() => {});
    return run;
  }

  private async writeIn(
    em: EntityManager,
    legs: LedgerLeg[],
    meta: { reason: string; actor: string },
  ): Promise<BatchResult> {
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

    if (inserted.length === 0) return { replayed: true, entries: await replay(em, legs) };
    // Some legs' keys taken, others not: another operation used one of these keys.
    if (inserted.length !== legs.length) throw new IdempotencyConflictError(legs[0]!.key.split("#")[0]!);

    const order = legs
      .map((leg, i) => ({ leg, i }))
      .sort((a, b) => compare(a.leg.characterId, b.leg.characterId) || compare(a.leg.itemId, b.leg.itemId));
    const balances: number[] = new Array<number>(legs.length);
    for (const { leg, i } of order) balances[i] = await change(em, leg);

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
}

/** Applies one leg to the inventory or the currency; returns the new amount held. */
async function change(em: EntityManager, leg: LedgerLeg): Promise<number> {
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
  throw new InsufficientQuantityError(characterId, itemId, -quantity, await held(em, characterId, itemId));
}

async function held(em: EntityManager, characterId: string, itemId: string): Promise<number> {
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
async function replay(em: EntityManager, legs: LedgerLeg[]): Promise<LedgerEntryResult[]> {
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

/** Which leg's character the foreign key rejected (Postgres names it in `detail`). */
function unknownCharacter(err: unknown, legs: LedgerLeg[]): string {
  const e = err as { detail?: unknown; driverError?: { detail?: unknown } };
  const detail = String(e.driverError?.detail ?? e.detail ?? "");
  return legs.find((l) => detail.includes(l.characterId))?.characterId ?? legs[0]!.characterId;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
