import assert from "node:assert/strict";
import { sleep } from "../helpers/api.js";
import { accountsNamed, insertAccount, useEmbeddedDatabase } from "../helpers/embeddedDatabase.js";

describe("embedded database (PGlite)", function () {
  const embedded = useEmbeddedDatabase(this);
  const exists = async (name: string) => (await accountsNamed(embedded.db, name)) === 1;

  it("keeps overlapping transactions apart: one's rollback never undoes another's commit", async () => {
    const doomed = `doomed_${Date.now() % 1e6}`;
    const kept = `kept_${Date.now() % 1e6}`;
    const plain = `plain_${Date.now() % 1e6}`;
    const results = await Promise.allSettled([
      embedded.db.dataSource.transaction(async (tx) => {
        await insertAccount(tx, doomed);
        await sleep(50); // the other work starts while this transaction is open
        throw new Error("roll me back");
      }),
      (async () => {
        await sleep(10);
        await embedded.db.dataSource.transaction(async (tx) => insertAccount(tx, kept));
      })(),
      (async () => {
        await sleep(20);
        await insertAccount(embedded.db.dataSource, plain);
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
    await embedded.db.close();
    await embedded.open();
    const rows = (await embedded.db.dataSource.query("SELECT name FROM migrations ORDER BY id")) as {
      name: string;
    }[];
    assert.equal(new Set(rows.map((r) => r.name)).size, rows.length);
    assert.ok(rows.length >= 2);
  });
});
