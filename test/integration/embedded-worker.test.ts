import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { QueryFailedError } from "typeorm";
import type { EmbeddedPool } from "../../src/framework/persistence/embedded/workerDriver.js";
import { isServiceFault } from "../../src/framework/util/faults.js";
import { sleep } from "../helpers/api.js";
import { accountsNamed, insertAccount, useEmbeddedDatabase } from "../helpers/embeddedDatabase.js";

/**
 * The embedded database (PGlite) runs in a worker thread behind the
 * node-postgres shape TypeORM uses: what crosses the thread boundary must
 * arrive as it would from PGlite in-process, and the game thread must stay free.
 */
describe("embedded database off the game thread", function () {
  const embedded = useEmbeddedDatabase(this);
  const accounts = (name: string) => accountsNamed(embedded.db, name);
  const unique = (what: string) => `${what}_${randomUUID().slice(0, 8)}`;

  it("keeps the main thread's timers firing while a query sleeps (PGlite blocks the thread it runs on)", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    try {
      await embedded.db.dataSource.query("SELECT pg_sleep(0.5)");
    } finally {
      clearInterval(timer);
    }
    // Free, a 10 ms timer fires ~50 times in 500 ms; on a frozen thread it fires once at most.
    assert.ok(ticks >= 20, `the 10 ms timer fired ${ticks} times during a 500 ms query`);
  });

  it("hands back PostgreSQL's error with its fields: a unique violation is 23505, naming its constraint", async () => {
    const name = unique("twice");
    await insertAccount(embedded.db.dataSource, name);
    const err = await insertAccount(embedded.db.dataSource, name).then(
      () => assert.fail("the second insert of one username must fail"),
      (e: unknown) => e,
    );
    assert.ok(err instanceof QueryFailedError, "TypeORM wraps it as it wraps the driver's errors");
    const driver = err.driverError as Record<string, unknown>;
    assert.equal(driver.code, "23505");
    assert.equal(driver.severity, "ERROR");
    assert.equal(driver.table, "accounts");
    assert.match(String(driver.constraint), /\w+/);
    assert.match(String(driver.detail), new RegExp(`=\\(${name}\\) already exists`));
    assert.equal(isServiceFault(err), false, "a refused statement is no outage");
    // The session is usable after the error.
    assert.equal(await accounts(name), 1);
  });

  it("carries values both ways as PGlite gives them: timestamps, bytes, JSON, booleans", async () => {
    const at = new Date("2026-01-02T03:04:05.678Z");
    const bytes = Buffer.from([0, 1, 2, 254, 255]);
    const [row] = (await embedded.db.dataSource.query(
      "SELECT $1::timestamptz AS at, $2::bytea AS bytes, $3::jsonb AS doc, $4::boolean AS yes, $5::boolean AS no",
      [at, bytes, JSON.stringify({ a: [1, "two"] }), true, 0],
    )) as { at: Date; bytes: Uint8Array; doc: unknown; yes: boolean; no: boolean }[];
    assert.ok(row!.at instanceof Date);
    assert.equal(row!.at.toISOString(), at.toISOString());
    assert.deepEqual([...row!.bytes], [...bytes]);
    assert.deepEqual(row!.doc, { a: [1, "two"] });
    assert.equal(row!.yes, true);
    assert.equal(row!.no, false);
  });

  it("rolls a failed transaction back, and runs overlapping transactions one after the other", async () => {
    const doomed = unique("doomed");
    await assert.rejects(
      embedded.db.dataSource.transaction(async (tx) => {
        await insertAccount(tx, doomed);
        assert.equal(
          ((await tx.query("SELECT 1 FROM accounts WHERE username = $1", [doomed])) as unknown[]).length,
          1,
          "visible inside its transaction",
        );
        throw new Error("roll me back");
      }),
      /roll me back/,
    );
    assert.equal(await accounts(doomed), 0);

    // B starts while A is open and sleeping: B's first statement waits for A's COMMIT.
    const steps: string[] = [];
    const [a, b] = [unique("a"), unique("b")];
    await Promise.all([
      embedded.db.dataSource.transaction(async (tx) => {
        await insertAccount(tx, a);
        steps.push("A inserted");
        await sleep(100);
        steps.push("A commits");
      }),
      (async () => {
        await sleep(20);
        await embedded.db.dataSource.transaction(async (tx) => {
          steps.push("B began");
          await insertAccount(tx, b);
        });
      })(),
    ]);
    assert.deepEqual(steps, ["A inserted", "A commits", "B began"]);
    assert.equal(await accounts(a), 1);
    assert.equal(await accounts(b), 1);
  });

  it("never runs another connection's statement inside an open transaction: it waits for the end, then lands", async () => {
    const [doomed, plain] = [unique("doomed"), unique("plain")];
    let insertedPlain!: Promise<unknown>;
    await assert.rejects(
      embedded.db.dataSource.transaction(async (tx) => {
        await insertAccount(tx, doomed);
        // Another connection's write while this transaction is open: were it run
        // inside it, the rollback below would take it too.
        insertedPlain = insertAccount(embedded.db.dataSource, plain);
        await sleep(100);
        throw new Error("roll me back");
      }),
      /roll me back/,
    );
    await insertedPlain;
    assert.equal(await accounts(doomed), 0);
    assert.equal(await accounts(plain), 1);
  });

  it("runs statements already sent while the game thread is busy: they do not wait for its turns one by one", async () => {
    // Eight statements from eight connections, sent at once, then the game
    // thread blocks (a long tick) without a turn of its event loop. Each
    // statement records when the worker ran it: all of them ran during the
    // block. Lending the session to one connection per round trip, only the
    // first could run before the next turn.
    const ran = Array.from({ length: 8 }, () =>
      embedded.db.dataSource.query("SELECT (extract(epoch from clock_timestamp()) * 1000)::float8 AS at"),
    );
    // Let the sends go out (TypeORM's connect and query are promise chains: microtasks, no loop turn).
    for (let i = 0; i < 1000; i++) await null;
    const until = Date.now() + 1500;
    while (Date.now() < until) {
      // busy, as a tick is
    }
    const blockEnded = Date.now();
    const at = (await Promise.all(ran)).map((rows) => Number((rows as { at: number }[])[0]!.at));
    for (const t of at)
      assert.ok(t <= blockEnded, `a statement ran ${t - blockEnded} ms after the block ended`);
  });

  it("passes PostgreSQL's notices to a listening query runner", async () => {
    const runner = embedded.db.dataSource.createQueryRunner();
    try {
      const client = (await runner.connect()) as NodeJS.EventEmitter;
      const notices: { message?: string; severity?: string }[] = [];
      client.on("notice", (n: { message?: string; severity?: string }) => notices.push(n));
      await runner.query("DO $$ BEGIN RAISE NOTICE 'hello from the worker'; END $$");
      assert.deepEqual(
        notices.map((n) => [n.severity, n.message]),
        [["NOTICE", "hello from the worker"]],
      );
    } finally {
      await runner.release();
    }
  });

  it("fails what was pending as an outage (57P01) when the worker dies; the next connect starts a fresh one on the same data", async () => {
    const pool = (embedded.db.dataSource.driver as unknown as { master: EmbeddedPool }).master;
    const [committed, uncommitted, held, after] = [
      unique("committed"),
      unique("uncommitted"),
      unique("held"),
      unique("after"),
    ];
    await insertAccount(embedded.db.dataSource, committed);
    const dying = pool.worker;
    assert.ok(dying, "a worker is running");

    // An open transaction with a write in it, then a statement of that
    // transaction running in the worker (sleeping) and another connection's
    // write held behind the transaction: three kinds of pending.
    const runner = embedded.db.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    await insertAccount(runner, uncommitted);
    const pending = [runner.query("SELECT pg_sleep(60)"), insertAccount(embedded.db.dataSource, held)].map(
      (p) =>
        p.then(
          () => assert.fail("a statement pending when the worker died must fail"),
          (e: unknown) => e,
        ),
    );
    await sleep(300); // both sent: the sleep is running in the worker, the insert is held
    const killedAt = Date.now();
    await dying.terminate();

    // Bounded: a pending statement the driver forgot would hang here, not fail.
    const errors = await Promise.race([
      Promise.all(pending),
      sleep(10_000).then(() => assert.fail("the pending statements still hang 10 s after the worker died")),
    ]);
    assert.ok(Date.now() - killedAt < 10_000);
    for (const err of errors) {
      assert.ok(err instanceof QueryFailedError, `TypeORM wraps it as a driver error: ${String(err)}`);
      assert.equal((err.driverError as { code?: string }).code, "57P01");
      assert.equal(isServiceFault(err), true, "an outage, as a dead PostgreSQL connection is");
    }
    await runner.release(); // the dead worker's connection: nothing to roll back anywhere

    // The next connect, through the same TypeORM DataSource, starts a fresh
    // worker on the same DATA_DIR: the commit is there, the rest is not.
    assert.equal(await accounts(committed), 1, "a commit before the death survives it");
    const fresh = pool.worker;
    assert.ok(fresh, "a worker runs again");
    assert.notEqual(fresh.threadId, dying.threadId, "a new thread, not the dead one");
    assert.equal(await accounts(uncommitted), 0, "the open transaction's write died with it");
    assert.equal(await accounts(held), 0, "the held write never ran");
    await insertAccount(embedded.db.dataSource, after);
    assert.equal(await accounts(after), 1);
  });

  it("closes cleanly: the worker flushes and ends, the DATA_DIR lock is released, the data is there on reopening", async () => {
    const kept = unique("kept");
    await insertAccount(embedded.db.dataSource, kept);
    const pool = (
      embedded.db.dataSource.driver as unknown as { master: { query(sql: string): Promise<unknown> } }
    ).master;
    await embedded.db.close();
    assert.equal(existsSync(join(embedded.dir, "pglite.pid")), false, "the lock is gone");
    await assert.rejects(pool.query("SELECT 1"), /after calling end/);
    await embedded.open();
    assert.equal(await accounts(kept), 1);
  });
});
