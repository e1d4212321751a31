import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DataSource } from "typeorm";
import { PGliteDriver } from "typeorm-pglite";
import {
  IdempotencyConflictError,
  InsufficientQuantityError,
  UnknownCharacterError,
} from "../../src/framework/economy/errors.js";
import { LedgerService } from "../../src/framework/economy/LedgerService.js";
import { TypeormLedgerStore } from "../../src/framework/persistence/typeorm/TypeormLedgerStore.js";
import { entities } from "../../src/framework/persistence/database.js";
import { migrations } from "../../src/framework/persistence/migrations/index.js";
import { AppError } from "../../src/framework/util/errors.js";
import { createTestDatabase } from "../helpers/postgres.js";

const ACTOR = "test";

async function seedCharacters(db: DataSource, count: number): Promise<string[]> {
  const accountId = randomUUID();
  await db.query(`INSERT INTO accounts (id, username, password_hash) VALUES ($1, $2, 'x')`, [
    accountId,
    `u${accountId.slice(0, 8)}`,
  ]);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = randomUUID();
    await db.query(
      `INSERT INTO characters (id, account_id, name, organization, district, x, y, hp, max_hp, stats)
       VALUES ($1, $2, $3, 'zion', 'richland', 0, 0, 100, 100, '{}')`,
      [id, accountId, `c${id.slice(0, 8)}`],
    );
    ids.push(id);
  }
  return ids;
}

async function ledgerRows(db: DataSource, characterId: string): Promise<number> {
  const rows: { n: string }[] = await db.query(
    `SELECT count(*)::text AS n FROM ledger_entries WHERE character_id = $1`,
    [characterId],
  );
  return Number(rows[0]!.n);
}

async function held(ledger: LedgerService, characterId: string, itemId: string): Promise<number> {
  if (itemId === "currency") return ledger.balance(characterId);
  return (await ledger.inventory(characterId)).find((s) => s.itemId === itemId)?.quantity ?? 0;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  assert.fail("expected a rejection");
}

describe("economy: LedgerService (postgres)", function () {
  this.timeout(60_000);
  let drop: () => Promise<void>;
  let db: DataSource;
  let ledger: LedgerService;

  before(async () => {
    const test = await createTestDatabase();
    drop = test.drop;
    db = new DataSource({
      type: "postgres",
      url: test.url,
      entities,
      migrations,
      synchronize: false,
      extra: { max: 20 },
    });
    await db.initialize();
    await db.runMigrations({ transaction: "each" });
    ledger = new LedgerService(new TypeormLedgerStore(db));
  });

  after(async () => {
    if (db?.isInitialized) await db.destroy();
    await drop?.();
  });

  describe("apply", () => {
    it("grants an item and records the entry with the balance after it", async () => {
      const [c] = await seedCharacters(db, 1);
      const r = await ledger.apply({
        characterId: c!,
        itemId: "med_kit",
        quantity: 3,
        kind: "grant",
        idempotencyKey: `k-${randomUUID()}`,
        reason: "starter kit",
        actor: ACTOR,
      });
      assert.equal(r.replayed, false);
      assert.equal(r.balance, 3);
      assert.deepEqual(await ledger.inventory(c!), [{ itemId: "med_kit", quantity: 3 }]);
      const [row] = await db.query(`SELECT * FROM ledger_entries WHERE id = $1`, [r.entryId]);
      assert.equal(row.kind, "grant");
      assert.equal(row.reason, "starter kit");
      assert.equal(row.actor, ACTOR);
      assert.equal(Number(row.quantity), 3);
      assert.equal(Number(row.balance_after), 3);
    });

    it("a retried key returns the original result and applies nothing", async () => {
      const [c] = await seedCharacters(db, 1);
      const op = {
        characterId: c!,
        itemId: "med_kit",
        quantity: 2,
        kind: "loot" as const,
        idempotencyKey: `k-${randomUUID()}`,
        actor: ACTOR,
      };
      const first = await ledger.apply(op);
      await ledger.apply({ ...op, idempotencyKey: `k-${randomUUID()}`, quantity: 5 });
      const again = await ledger.apply(op);
      assert.equal(again.replayed, true);
      assert.deepEqual({ ...again, replayed: false }, first, "same entry, same balance as first returned");
      assert.equal(await held(ledger, c!, "med_kit"), 7);
      assert.equal(await ledgerRows(db, c!), 2);
    });

    it("refuses a key reused for a different operation, writing nothing", async () => {
      const [c, other] = await seedCharacters(db, 2);
      const key = `k-${randomUUID()}`;
      await ledger.apply({
        characterId: c!,
        itemId: "gun",
        quantity: 1,
        kind: "grant",
        idempotencyKey: key,
        actor: ACTOR,
      });
      for (const changed of [
        { characterId: c!, itemId: "gun", quantity: 2, kind: "grant" as const },
        { characterId: c!, itemId: "sword", quantity: 1, kind: "grant" as const },
        { characterId: other!, itemId: "gun", quantity: 1, kind: "grant" as const },
        { characterId: c!, itemId: "gun", quantity: 1, kind: "gm_give" as const },
      ]) {
        const err = await rejection(ledger.apply({ ...changed, idempotencyKey: key, actor: ACTOR }));
        assert.ok(err instanceof IdempotencyConflictError, String(err));
        assert.equal(err.code, "idempotency_conflict");
      }
      assert.deepEqual(await ledger.inventory(c!), [{ itemId: "gun", quantity: 1 }]);
      assert.deepEqual(await ledger.inventory(other!), []);
    });

    it("a take larger than what is held fails cleanly; the same key can succeed later", async () => {
      const [c] = await seedCharacters(db, 1);
      await ledger.apply({
        characterId: c!,
        itemId: "ammo",
        quantity: 5,
        kind: "grant",
        idempotencyKey: `k-${randomUUID()}`,
        actor: ACTOR,
      });
      const take = {
        characterId: c!,
        itemId: "ammo",
        quantity: -8,
        kind: "take" as const,
        idempotencyKey: `k-${randomUUID()}`,
        actor: ACTOR,
      };
      const err = await rejection(ledger.apply(take));
      assert.ok(err instanceof InsufficientQuantityError, String(err));
      assert.deepEqual(err.details, { characterId: c, itemId: "ammo", requested: 8, held: 5 });
      assert.equal(await held(ledger, c!, "ammo"), 5);
      assert.equal(await ledgerRows(db, c!), 1, "no entry for the refused take");

      const missing = await rejection(
        ledger.apply({ ...take, itemId: "never_had", idempotencyKey: `k-${randomUUID()}` }),
      );
      assert.ok(missing instanceof InsufficientQuantityError);
      assert.equal(missing.held, 0);

      await ledger.apply({
        characterId: c!,
        itemId: "ammo",
        quantity: 3,
        kind: "grant",
        idempotencyKey: `k-${randomUUID()}`,
        actor: ACTOR,
      });
      const later = await ledger.apply(take);
      assert.equal(later.replayed, false);
      assert.equal(later.balance, 0);
      assert.deepEqual(await ledger.inventory(c!), [], "empty stacks are not listed");
      assert.ok((await ledger.verifyLedger(c!)).ok);
    });

    it("currency: grants and takes move the balance, overdrawing fails", async () => {
      const [c] = await seedCharacters(db, 1);
      assert.equal(await ledger.balance(c!), 0);
      await ledger.apply({
        characterId: c!,
        itemId: "currency",
        quantity: 1500,
        kind: "mission_reward",
        idempotencyKey: `k-${randomUUID()}`,
        actor: ACTOR,
      });
      const spent = await ledger.apply({
        characterId: c!,
        itemId: "currency",
        quantity: -400,
        kind: "purchase",
        idempotencyKey: `k-${randomUUID()}`,
        actor: ACTOR,
      });
      assert.equal(spent.balance, 1100);
      const err = await rejection(
        ledger.apply({
          characterId: c!,
          itemId: "currency",
          quantity: -1101,
          kind: "gm_take",
          idempotencyKey: `k-${randomUUID()}`,
          actor: ACTOR,
        }),
      );
      assert.ok(err instanceof InsufficientQuantityError);
      assert.equal(err.held, 1100);
      assert.equal(await ledger.balance(c!), 1100);
      assert.deepEqual(await ledger.inventory(c!), [], "currency is not an inventory item");
      assert.deepEqual(await ledger.verifyLedger(c!), { ok: true, mismatches: [] });
    });

    it("validates: zero, wrong sign for the kind, trade outside transfer, # in keys, bad ids", async () => {
      const [c] = await seedCharacters(db, 1);
      const base = {
        characterId: c!,
        itemId: "x",
        quantity: 1,
        kind: "grant" as const,
        idempotencyKey: "ok",
        actor: ACTOR,
      };
      for (const bad of [
        { ...base, quantity: 0 },
        { ...base, quantity: 1.5 },
        { ...base, quantity: -1 },
        { ...base, kind: "take" as const },
        { ...base, kind: "trade" as const },
        { ...base, idempotencyKey: "a#0" },
        { ...base, idempotencyKey: "" },
        { ...base, characterId: "not-a-uuid" },
        { ...base, itemId: "" },
        { ...base, actor: "" },
        { ...base, quantity: 2 ** 31 },
        { ...base, kind: "steal" },
      ]) {
        const err = await rejection(ledger.apply(bad as never));
        assert.ok(
          err instanceof AppError && err.code === "invalid_request",
          `${JSON.stringify(bad)}: ${err}`,
        );
      }
      assert.equal(await ledgerRows(db, c!), 0);
    });

    it("an unknown character is a typed error", async () => {
      const ghost = randomUUID();
      const err = await rejection(
        ledger.apply({
          characterId: ghost,
          itemId: "x",
          quantity: 1,
          kind: "grant",
          idempotencyKey: `k-${randomUUID()}`,
          actor: ACTOR,
        }),
      );
      assert.ok(err instanceof UnknownCharacterError, String(err));
      assert.equal(err.characterId, ghost);
      assert.ok((await rejection(ledger.balance(ghost))) instanceof UnknownCharacterError);
    });

    it("the database refuses negative stacks and balances even when written around the service", async () => {
      const [c] = await seedCharacters(db, 1);
      await assert.rejects(db.query(`UPDATE characters SET currency = -1 WHERE id = $1`, [c]), /check/i);
      await assert.rejects(
        db.query(`INSERT INTO inventory_items (character_id, item_id, quantity) VALUES ($1, 'x', -1)`, [c]),
        /check/i,
      );
      await assert.rejects(
        db.query(`INSERT INTO inventory_items (character_id, item_id, quantity) VALUES ($1, 'currency', 1)`, [
          c,
        ]),
        /check/i,
      );
    });
  });

  describe("concurrency", () => {
    it("50 concurrent grants with the same key: exactly one is applied", async () => {
      const [c] = await seedCharacters(db, 1);
      const op = {
        characterId: c!,
        itemId: "redpill",
        quantity: 10,
        kind: "grant" as const,
        idempotencyKey: `k-${randomUUID()}`,
        actor: ACTOR,
      };
      const results = await Promise.all(Array.from({ length: 50 }, () => ledger.apply(op)));
      assert.equal(results.filter((r) => !r.replayed).length, 1);
      assert.equal(new Set(results.map((r) => r.entryId)).size, 1);
      assert.ok(results.every((r) => r.balance === 10));
      assert.equal(await held(ledger, c!, "redpill"), 10);
      assert.equal(await ledgerRows(db, c!), 1);
    });

    it("50 concurrent grants with distinct keys: all applied, totals right", async () => {
      const [c] = await seedCharacters(db, 1);
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          Promise.all([
            ledger.apply({
              characterId: c!,
              itemId: "bullet",
              quantity: i + 1,
              kind: "loot",
              idempotencyKey: `k-${randomUUID()}`,
              actor: ACTOR,
            }),
            ledger.apply({
              characterId: c!,
              itemId: "currency",
              quantity: 100,
              kind: "grant",
              idempotencyKey: `k-${randomUUID()}`,
              actor: ACTOR,
            }),
          ]),
        ),
      );
      assert.ok(results.flat().every((r) => !r.replayed));
      assert.equal(await held(ledger, c!, "bullet"), (50 * 51) / 2);
      assert.equal(await ledger.balance(c!), 5000);
      // Balances after each entry are all distinct: each saw the previous one.
      assert.equal(new Set(results.map(([item]) => item.balance)).size, 50);
      assert.equal(await ledgerRows(db, c!), 100);
      assert.ok((await ledger.verifyLedger(c!)).ok);
    });

    it("concurrent takes cannot overdraw an item or currency", async () => {
      const [c] = await seedCharacters(db, 1);
      await ledger.apply({
        characterId: c!,
        itemId: "chip",
        quantity: 10,
        kind: "grant",
        idempotencyKey: `k-${randomUUID()}`,
        actor: ACTOR,
      });
      await ledger.apply({
        characterId: c!,
        itemId: "currency",
        quantity: 10,
        kind: "grant",
        idempotencyKey: `k-${randomUUID()}`,
        actor: ACTOR,
      });
      for (const itemId of ["chip", "currency"]) {
        const outcomes = await Promise.allSettled(
          Array.from({ length: 50 }, () =>
            ledger.apply({
              characterId: c!,
              itemId,
              quantity: -1,
              kind: "take",
              idempotencyKey: `k-${randomUUID()}`,
              actor: ACTOR,
            }),
          ),
        );
        const ok = outcomes.filter((o) => o.status === "fulfilled");
        const refused = outcomes.filter(
          (o) => o.status === "rejected" && o.reason instanceof InsufficientQuantityError,
        );
        assert.equal(ok.length, 10, itemId);
        assert.equal(refused.length, 40, itemId);
        assert.equal(await held(ledger, c!, itemId), 0, itemId);
      }
      assert.equal(await ledgerRows(db, c!), 22);
      assert.ok((await ledger.verifyLedger(c!)).ok);
    });
  });

  describe("transfer", () => {
    it("moves items atomically and replays by key", async () => {
      const [a, b] = await seedCharacters(db, 2);
      await ledger.apply({
        characterId: a!,
        itemId: "katana",
        quantity: 5,
        kind: "grant",
        idempotencyKey: `k-${randomUUID()}`,
        actor: ACTOR,
      });
      const op = {
        from: a!,
        to: b!,
        itemId: "katana",
        quantity: 3,
        idempotencyKey: `t-${randomUUID()}`,
        actor: `player:${a}`,
      };
      const r = await ledger.transfer(op);
      assert.equal(r.replayed, false);
      assert.equal(r.from.balance, 2);
      assert.equal(r.to.balance, 3);
      assert.equal(r.from.quantity, -3);
      assert.equal(r.from.kind, "trade");
      const again = await ledger.transfer(op);
      assert.equal(again.replayed, true);
      assert.deepEqual(again.from, r.from);
      assert.deepEqual(again.to, r.to);
      assert.equal(await held(ledger, a!, "katana"), 2);
      assert.equal(await held(ledger, b!, "katana"), 3);

      const [row] = await db.query(`SELECT counterparty_id FROM ledger_entries WHERE id = $1`, [
        r.to.entryId,
      ]);
      assert.equal(row.counterparty_id, a);

      const conflict = await rejection(ledger.transfer({ ...op, quantity: 1 }));
      assert.ok(conflict instanceof IdempotencyConflictError);
      const reversed = await rejection(ledger.transfer({ ...op, from: b!, to: a! }));
      assert.ok(reversed instanceof IdempotencyConflictError);
    });

    it("a transfer the giver cannot afford changes nothing on either side", async () => {
      const [a, b] = await seedCharacters(db, 2);
      await ledger.apply({
        characterId: a!,
        itemId: "currency",
        quantity: 50,
        kind: "grant",
        idempotencyKey: `k-${randomUUID()}`,
        actor: ACTOR,
      });
      const err = await rejection(
        ledger.transfer({
          from: a!,
          to: b!,
          itemId: "currency",
          quantity: 51,
          idempotencyKey: `t-${randomUUID()}`,
          actor: ACTOR,
        }),
      );
      assert.ok(err instanceof InsufficientQuantityError);
      assert.equal(await ledger.balance(a!), 50);
      assert.equal(await ledger.balance(b!), 0);
      assert.equal(await ledgerRows(db, b!), 0);

      const ghost = await rejection(
        ledger.transfer({
          from: a!,
          to: randomUUID(),
          itemId: "currency",
          quantity: 5,
          idempotencyKey: `t-${randomUUID()}`,
          actor: ACTOR,
        }),
      );
      assert.ok(ghost instanceof UnknownCharacterError);
      assert.equal(await ledger.balance(a!), 50);

      const self = await rejection(
        ledger.transfer({
          from: a!,
          to: a!,
          itemId: "currency",
          quantity: 5,
          idempotencyKey: `t-${randomUUID()}`,
          actor: ACTOR,
        }),
      );
      assert.ok(self instanceof AppError && self.code === "invalid_request");
    });

    it("opposite transfers racing between the same two characters neither deadlock nor lose anything", async () => {
      const [a, b] = await seedCharacters(db, 2);
      for (const c of [a!, b!]) {
        await ledger.apply({
          characterId: c,
          itemId: "currency",
          quantity: 100,
          kind: "grant",
          idempotencyKey: `k-${randomUUID()}`,
          actor: ACTOR,
        });
      }
      const outcomes = await Promise.allSettled(
        Array.from({ length: 60 }, (_, i) =>
          ledger.transfer({
            from: i % 2 ? a! : b!,
            to: i % 2 ? b! : a!,
            itemId: "currency",
            quantity: 7,
            idempotencyKey: `t-${randomUUID()}`,
            actor: ACTOR,
          }),
        ),
      );
      for (const o of outcomes) {
        if (o.status === "rejected")
          assert.ok(o.reason instanceof InsufficientQuantityError, String(o.reason));
      }
      assert.equal((await ledger.balance(a!)) + (await ledger.balance(b!)), 200);
      assert.ok((await ledger.verifyLedger(a!)).ok && (await ledger.verifyLedger(b!)).ok);
    });
  });

  describe("applyAll", () => {
    it("a purchase is all or nothing", async () => {
      const [c] = await seedCharacters(db, 1);
      await ledger.apply({
        characterId: c!,
        itemId: "currency",
        quantity: 100,
        kind: "grant",
        idempotencyKey: `k-${randomUUID()}`,
        actor: ACTOR,
      });
      const buy = (price: number, key: string) =>
        ledger.applyAll({
          legs: [
            { characterId: c!, itemId: "currency", quantity: -price, kind: "purchase" },
            { characterId: c!, itemId: "shades", quantity: 1, kind: "purchase" },
          ],
          idempotencyKey: key,
          reason: "vendor",
          actor: ACTOR,
        });
      const err = await rejection(buy(150, `p-${randomUUID()}`));
      assert.ok(err instanceof InsufficientQuantityError);
      assert.deepEqual(await ledger.inventory(c!), []);
      const key = `p-${randomUUID()}`;
      const bought = await buy(60, key);
      assert.deepEqual(
        bought.entries.map((e) => e.balance),
        [40, 1],
      );
      assert.equal((await buy(60, key)).replayed, true);
      assert.equal(await ledger.balance(c!), 40);
      assert.deepEqual(await ledger.inventory(c!), [{ itemId: "shades", quantity: 1 }]);
    });
  });

  describe("verifyLedger", () => {
    it("reports an inventory or balance changed behind the ledger's back", async () => {
      const [c] = await seedCharacters(db, 1);
      await ledger.apply({
        characterId: c!,
        itemId: "gem",
        quantity: 4,
        kind: "grant",
        idempotencyKey: `k-${randomUUID()}`,
        actor: ACTOR,
      });
      assert.deepEqual(await ledger.verifyLedger(c!), { ok: true, mismatches: [] });
      await db.query(`UPDATE inventory_items SET quantity = 9 WHERE character_id = $1`, [c]);
      await db.query(`UPDATE characters SET currency = 5 WHERE id = $1`, [c]);
      await db.query(`INSERT INTO inventory_items (character_id, item_id, quantity) VALUES ($1, 'dupe', 1)`, [
        c,
      ]);
      assert.deepEqual(await ledger.verifyLedger(c!), {
        ok: false,
        mismatches: [
          { itemId: "currency", ledger: 0, held: 5 },
          { itemId: "dupe", ledger: 0, held: 1 },
          { itemId: "gem", ledger: 4, held: 9 },
        ],
      });
    });

    it("holds after a storm of mixed concurrent operations, retries and duplicates included", async () => {
      const chars = await seedCharacters(db, 4);
      const items = ["currency", "ammo", "med_kit"];
      let seed = 12345;
      const rand = (n: number) => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed % n;
      };
      const keys: string[] = [];
      const ops: (() => Promise<unknown>)[] = [];
      for (let i = 0; i < 400; i++) {
        const c = chars[rand(chars.length)]!;
        const itemId = items[rand(items.length)]!;
        const key = `s-${i}-${randomUUID()}`;
        keys.push(key);
        const pick = rand(10);
        if (pick < 4) {
          const op = {
            characterId: c,
            itemId,
            quantity: 1 + rand(20),
            kind: "grant" as const,
            idempotencyKey: key,
            actor: ACTOR,
          };
          ops.push(
            () => ledger.apply(op),
            () => ledger.apply(op),
          ); // the retry of a grant
        } else if (pick < 7) {
          ops.push(() =>
            ledger.apply({
              characterId: c,
              itemId,
              quantity: -(1 + rand(15)),
              kind: "take",
              idempotencyKey: key,
              actor: ACTOR,
            }),
          );
        } else {
          let to = chars[rand(chars.length)]!;
          if (to === c) to = chars[(chars.indexOf(c) + 1) % chars.length]!;
          const op = { from: c, to, itemId, quantity: 1 + rand(10), idempotencyKey: key, actor: ACTOR };
          ops.push(
            () => ledger.transfer(op),
            () => ledger.transfer(op),
          );
        }
      }
      const outcomes = await Promise.allSettled(ops.map((op) => op()));
      for (const o of outcomes) {
        if (o.status === "rejected")
          assert.ok(o.reason instanceof InsufficientQuantityError, String(o.reason));
      }
      const applied = outcomes.filter((o) => o.status === "fulfilled").length;
      assert.ok(applied > 200, `only ${applied} operations succeeded`);

      for (const c of chars) assert.deepEqual(await ledger.verifyLedger(c), { ok: true, mismatches: [] });
      // Trades conserve: what everyone holds equals grants minus takes, per item.
      const [totals] = await db.query(
        `SELECT
           (SELECT coalesce(sum(quantity), 0) FROM inventory_items WHERE character_id = ANY($1))::text AS items,
           (SELECT coalesce(sum(currency), 0) FROM characters WHERE id = ANY($1))::text AS currency,
           (SELECT coalesce(sum(quantity) FILTER (WHERE item_id <> 'currency'), 0)
              FROM ledger_entries WHERE character_id = ANY($1) AND kind <> 'trade')::text AS item_flow,
           (SELECT coalesce(sum(quantity) FILTER (WHERE item_id = 'currency'), 0)
              FROM ledger_entries WHERE character_id = ANY($1) AND kind <> 'trade')::text AS currency_flow,
           (SELECT count(*) FROM ledger_entries WHERE idempotency_key = ANY($2))::text AS single_rows`,
        [chars, keys],
      );
      assert.equal(totals.items, totals.item_flow);
      assert.equal(totals.currency, totals.currency_flow);
      const [dupes] = await db.query(
        `SELECT count(*)::text AS n FROM (
           SELECT idempotency_key FROM ledger_entries GROUP BY idempotency_key HAVING count(*) > 1) d`,
      );
      assert.equal(dupes.n, "0");
    });
  });
});

describe("economy: LedgerService (embedded database)", function () {
  this.timeout(60_000);
  let dir: string;
  let db: DataSource;
  let ledger: LedgerService;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "mxo-ledger-"));
    db = new DataSource({
      type: "postgres",
      driver: new PGliteDriver({ dataDir: dir }).driver,
      uuidExtension: "pgcrypto",
      installExtensions: false,
      entities,
      migrations,
      synchronize: false,
    });
    await db.initialize();
    await db.runMigrations({ transaction: "each" });
    ledger = new LedgerService(new TypeormLedgerStore(db));
  });

  after(async () => {
    if (db?.isInitialized) await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it("migrates, and applies, replays, refuses and transfers with its one shared session", async () => {
    const [a, b] = await seedCharacters(db, 2);
    const key = `k-${randomUUID()}`;
    const grants = await Promise.all(
      Array.from({ length: 10 }, () =>
        ledger.apply({
          characterId: a!,
          itemId: "currency",
          quantity: 30,
          kind: "grant",
          idempotencyKey: key,
          actor: ACTOR,
        }),
      ),
    );
    assert.equal(grants.filter((g) => !g.replayed).length, 1);
    const outcomes = await Promise.allSettled([
      ...Array.from({ length: 5 }, () =>
        ledger.transfer({
          from: a!,
          to: b!,
          itemId: "currency",
          quantity: 10,
          idempotencyKey: `t-${randomUUID()}`,
          actor: ACTOR,
        }),
      ),
      ledger.apply({
        characterId: b!,
        itemId: "ammo",
        quantity: 2,
        kind: "loot",
        idempotencyKey: `k-${randomUUID()}`,
        actor: ACTOR,
      }),
    ]);
    assert.equal(outcomes.filter((o) => o.status === "fulfilled").length, 4);
    assert.equal(await ledger.balance(a!), 0);
    assert.equal(await ledger.balance(b!), 30);
    assert.deepEqual(await ledger.inventory(b!), [{ itemId: "ammo", quantity: 2 }]);
    assert.ok((await ledger.verifyLedger(a!)).ok && (await ledger.verifyLedger(b!)).ok);
  });
});
