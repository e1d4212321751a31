import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { loadConfig } from "../../src/framework/config/config.js";
import { openDatabase, type Database } from "../../src/framework/persistence/database.js";
import { createLogger } from "../../src/framework/util/logger.js";
import { sleep } from "../helpers/api.js";
import { tempDataDir } from "../helpers/serverProcess.js";

describe("embedded database (PGlite)", function () {
  // A fresh PGlite (initdb, then every migration) takes tens of seconds on a loaded 2-core machine.
  this.timeout(180_000);
  let data: ReturnType<typeof tempDataDir>;
  let db: Database;

  before(async () => {
    data = tempDataDir();
    db = await openDatabase(loadConfig({ DATA_DIR: data.dir }), createLogger("silent"));
  });
  after(async () => {
    await db?.close();
    data?.remove();
  });

  const insertAccount = (q: { query(sql: string, p: unknown[]): Promise<unknown> }, name: string) =>
    q.query("INSERT INTO accounts (id, username, password_hash) VALUES ($1, $2, 'x')", [randomUUID(), name]);
  const exists = async (name: string) =>
    ((await db.dataSource.query("SELECT 1 FROM accounts WHERE username = $1", [name])) as unknown[])
      .length === 1;

  it("keeps overlapping transactions apart: one's rollback never undoes another's commit", async () => {
    const doomed = `doomed_${Date.now() % 1e6}`;
    const kept = `kept_${Date.now() % 1e6}`;
    const plain = `plain_${Date.now() % 1e6}`;
    const results = await Promise.allSettled([
      db.dataSource.transaction(async (tx) => {
        await insertAccount(tx, doomed);
        await sleep(50); // the other work starts while this transaction is open
        throw new Error("roll me back");
      }),
      (async () => {
        await sleep(10);
        await db.dataSource.transaction(async (tx) => insertAccount(tx, kept));
      })(),
      (async () => {
        await sleep(20);
        await insertAccount(db.dataSource, plain);
      })(),
    ]);
    assert.equal(results[0]!.status, "rejected");
    assert.equal(results[1]!.status, "fulfilled");
    assert.equal(results[2]!.status, "fulfilled");
    assert.equal(await exists(doomed), false, "the rolled-back insert is gone");
    assert.equal(await exists(kept), true, "the other transaction's commit survived");
    assert.equal(await exists(plain), true, "a plain query during the transaction survived");
  });

  it("runs the migrations once: reopening finds nothing to do", async () => {
    await db.close();
    db = await openDatabase(loadConfig({ DATA_DIR: data.dir }), createLogger("silent"));
    const rows = (await db.dataSource.query("SELECT name FROM migrations ORDER BY id")) as { name: string }[];
    assert.equal(new Set(rows.map((r) => r.name)).size, rows.length);
    assert.ok(rows.length >= 2);
  });
});
