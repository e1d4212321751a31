import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DataSource } from "typeorm";
import { PGliteDriver } from "typeorm-pglite";
import { InsufficientQuantityError } from "../../src/framework/economy/errors.js";
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

/** Everything a character holds, currency included, as `item → qty`. */
async function holdings(ledger: LedgerService, characterId: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const s of await ledger.inventory(characterId)) out[s.itemId] = s.quantity;
  const currency = await ledger.balance(characterId);
  if (currency) out.currency = currency;
  return out;
}

async function grant(ledger: LedgerService, characterId: string, itemId: string, quantity: number) {
  await ledger.apply({
    characterId,
    itemId,
    quantity,
    kind: "grant",
    idempotencyKey: `g-${randomUUID()}`,
    actor: ACTOR,
  });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  assert.fail("expected a rejection");
}

async function assertBalanced(ledger: LedgerService, ...ids: string[]) {
  for (const id of ids) {
    const v = await ledger.verifyLedger(id);
    assert.deepEqual(v, { ok: true, mismatches: [] }, `ledger of ${id}`);
  }
}

/** The same cases on PostgreSQL and on the embedded database. */
function swapCases(ctx: () => { db: DataSource; ledger: LedgerService }) {
  it("swaps items and currency both ways in one go, every leg a trade naming the other side", async () => {
    const { db, ledger } = ctx();
    const [a, b] = await seedCharacters(db, 2);
    await grant(ledger, a!, "w-katana", 2);
    await grant(ledger, a!, "currency", 100);
    await grant(ledger, b!, "c-medkit", 5);
    const key = `trade-${randomUUID()}`;
    const r = await ledger.swap({
      a: a!,
      b: b!,
      aGives: [
        { itemId: "w-katana", quantity: 1 },
        { itemId: "currency", quantity: 40 },
      ],
      bGives: [{ itemId: "c-medkit", quantity: 3 }],
      idempotencyKey: key,
      reason: "player trade",
      actor: ACTOR,
    });
    assert.equal(r.replayed, false);
    assert.equal(r.entries.length, 6);
    assert.deepEqual(await holdings(ledger, a!), { "w-katana": 1, "c-medkit": 3, currency: 60 });
    assert.deepEqual(await holdings(ledger, b!), { "w-katana": 1, "c-medkit": 2, currency: 40 });
    const rows: { character_id: string; kind: string; counterparty_id: string; quantity: string }[] =
      await db.query(
        `SELECT character_id, kind, counterparty_id, quantity::text FROM ledger_entries
          WHERE idempotency_key LIKE $1`,
        [`${key}#%`],
      );
    assert.equal(rows.length, 6);
    for (const row of rows) {
      assert.equal(row.kind, "trade");
      assert.equal(row.counterparty_id, row.character_id === a ? b : a);
    }
    await assertBalanced(ledger, a!, b!);
  });

  it("a retry with the same key applies nothing more; concurrent duplicates apply once", async () => {
    const { db, ledger } = ctx();
    const [a, b] = await seedCharacters(db, 2);
    await grant(ledger, a!, "currency", 100);
    await grant(ledger, b!, "c-medkit", 4);
    const op = {
      a: a!,
      b: b!,
      aGives: [{ itemId: "currency", quantity: 30 }],
      bGives: [{ itemId: "c-medkit", quantity: 1 }],
      idempotencyKey: `trade-${randomUUID()}`,
      actor: ACTOR,
    };
    const results = await Promise.all(Array.from({ length: 8 }, () => ledger.swap(op)));
    assert.equal(results.filter((r) => !r.replayed).length, 1, "one applied, the others replayed");
    const again = await ledger.swap(op);
    assert.equal(again.replayed, true);
    assert.deepEqual(
      again.entries.map((e) => e.entryId),
      results.find((r) => !r.replayed)!.entries.map((e) => e.entryId),
    );
    assert.deepEqual(await holdings(ledger, a!), { "c-medkit": 1, currency: 70 });
    assert.deepEqual(await holdings(ledger, b!), { "c-medkit": 3, currency: 30 });
    await assertBalanced(ledger, a!, b!);
  });

  it("refused when either side is short: nothing moves on either side, and the key stays free", async () => {
    const { db, ledger } = ctx();
    const [a, b] = await seedCharacters(db, 2);
    await grant(ledger, a!, "w-katana", 1);
    await grant(ledger, b!, "currency", 50);
    const op = {
      a: a!,
      b: b!,
      aGives: [{ itemId: "w-katana", quantity: 1 }],
      bGives: [{ itemId: "currency", quantity: 80 }],
      idempotencyKey: `trade-${randomUUID()}`,
      actor: ACTOR,
    };
    const err = await rejection(ledger.swap(op));
    assert.ok(err instanceof InsufficientQuantityError, String(err));
    assert.equal(err.characterId, b);
    assert.deepEqual(await holdings(ledger, a!), { "w-katana": 1 });
    assert.deepEqual(await holdings(ledger, b!), { currency: 50 });
    const rows: { n: string }[] = await db.query(
      `SELECT count(*)::text AS n FROM ledger_entries WHERE idempotency_key LIKE $1`,
      [`${op.idempotencyKey}#%`],
    );
    assert.equal(rows[0]!.n, "0");
    await grant(ledger, b!, "currency", 30);
    assert.equal((await ledger.swap(op)).replayed, false, "the same key succeeds once b can pay");
    assert.deepEqual(await holdings(ledger, a!), { currency: 80 });
    assert.deepEqual(await holdings(ledger, b!), { "w-katana": 1 });
    await assertBalanced(ledger, a!, b!);
  });

  it("a side cannot hand over what it only receives in the same swap", async () => {
    const { db, ledger } = ctx();
    const [a, b] = await seedCharacters(db, 2);
    await grant(ledger, b!, "w-katana", 1);
    const err = await rejection(
      ledger.swap({
        a: a!,
        b: b!,
        aGives: [{ itemId: "w-katana", quantity: 1 }],
        bGives: [{ itemId: "w-katana", quantity: 1 }],
        idempotencyKey: `trade-${randomUUID()}`,
        actor: ACTOR,
      }),
    );
    assert.ok(err instanceof InsufficientQuantityError, String(err));
    assert.deepEqual(await holdings(ledger, b!), { "w-katana": 1 });
    await assertBalanced(ledger, a!, b!);
  });

  it("validates: oneself, nothing at all, zero or negative quantities, an item twice on a side", async () => {
    const { db, ledger } = ctx();
    const [a, b] = await seedCharacters(db, 2);
    const base = { a: a!, b: b!, aGives: [], bGives: [], idempotencyKey: "k", actor: ACTOR };
    const bad = [
      { ...base, b: a!, aGives: [{ itemId: "currency", quantity: 1 }] },
      base,
      { ...base, aGives: [{ itemId: "currency", quantity: 0 }] },
      { ...base, aGives: [{ itemId: "currency", quantity: -5 }] },
      {
        ...base,
        aGives: [
          { itemId: "x", quantity: 1 },
          { itemId: "x", quantity: 2 },
        ],
      },
      { ...base, aGives: [{ itemId: "currency", quantity: 1 }], idempotencyKey: "k#1" },
    ];
    for (const op of bad) {
      const err = await rejection(ledger.swap(op));
      assert.ok(err instanceof AppError && err.status === 400, `${JSON.stringify(op)}: ${String(err)}`);
    }
  });

  it("opposite swaps racing between the same characters neither deadlock nor create or lose anything", async () => {
    const { db, ledger } = ctx();
    const [a, b] = await seedCharacters(db, 2);
    await grant(ledger, a!, "currency", 1000);
    await grant(ledger, a!, "w-katana", 10);
    await grant(ledger, b!, "currency", 1000);
    await grant(ledger, b!, "w-katana", 10);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        ledger.swap({
          a: i % 2 ? a! : b!,
          b: i % 2 ? b! : a!,
          aGives: [{ itemId: "w-katana", quantity: 1 + (i % 3) }],
          bGives: [{ itemId: "currency", quantity: 10 * (1 + (i % 4)) }],
          idempotencyKey: `trade-${randomUUID()}`,
          actor: ACTOR,
        }),
      ),
    );
    const unexpected = outcomes.filter(
      (o) => o.status === "rejected" && !(o.reason instanceof InsufficientQuantityError),
    );
    assert.deepEqual(unexpected, []);
    const ha = await holdings(ledger, a!);
    const hb = await holdings(ledger, b!);
    assert.equal((ha["w-katana"] ?? 0) + (hb["w-katana"] ?? 0), 20);
    assert.equal((ha.currency ?? 0) + (hb.currency ?? 0), 2000);
    await assertBalanced(ledger, a!, b!);
  });

  it("circulation is the sum of every character's currency", async () => {
    const { db, ledger } = ctx();
    const before = await ledger.circulation();
    const [a, b] = await seedCharacters(db, 2);
    await grant(ledger, a!, "currency", 70);
    await grant(ledger, b!, "currency", 5);
    assert.equal(await ledger.circulation(), before + 75);
    await ledger.swap({
      a: a!,
      b: b!,
      aGives: [{ itemId: "currency", quantity: 20 }],
      bGives: [],
      idempotencyKey: `trade-${randomUUID()}`,
      actor: ACTOR,
    });
    assert.equal(await ledger.circulation(), before + 75, "a trade moves Information, never makes it");
  });
}

describe("economy: LedgerService.swap (postgres)", function () {
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

  swapCases(() => ({ db, ledger }));
});

describe("economy: LedgerService.swap (embedded database)", function () {
  this.timeout(60_000);
  let dir: string;
  let db: DataSource;
  let ledger: LedgerService;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "mxo-swap-"));
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

  swapCases(() => ({ db, ledger }));
});
