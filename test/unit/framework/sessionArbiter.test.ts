import assert from "node:assert/strict";
import {
  SessionArbiter,
  type Statement,
} from "../../../src/framework/persistence/embedded/sessionArbiter.js";

interface Named extends Statement {
  name: string;
}

/** The order the session runs statements in, as the arbiter dispatches them. */
function harness() {
  const ran: string[] = [];
  const arbiter = new SessionArbiter<Named>(
    (s) => ran.push(s.name),
    () => ran.push("ROLLBACK (released)"),
  );
  const send = (conn: number, sql: string, name = `${conn}:${sql}`) => arbiter.submit({ conn, sql, name });
  return { ran, arbiter, send };
}

describe("embedded database: the session arbiter", () => {
  it("runs statements outside a transaction as they arrive, from any connection", () => {
    const { ran, send } = harness();
    send(1, "SELECT 1");
    send(2, "SELECT 2");
    send(1, "UPDATE t SET x = 1");
    assert.deepEqual(ran, ["1:SELECT 1", "2:SELECT 2", "1:UPDATE t SET x = 1"]);
  });

  it("holds other connections' statements while one has a transaction open, then runs them in arrival order", () => {
    const { ran, arbiter, send } = harness();
    send(1, "START TRANSACTION");
    send(2, "SELECT 2");
    send(1, "INSERT INTO t VALUES (1)");
    send(3, "SELECT 3");
    assert.deepEqual(ran, ["1:START TRANSACTION", "1:INSERT INTO t VALUES (1)"]);
    assert.equal(arbiter.waiting, 2);
    send(1, "COMMIT");
    assert.deepEqual(ran.slice(2), ["1:COMMIT", "2:SELECT 2", "3:SELECT 3"]);
    assert.equal(arbiter.waiting, 0);
  });

  it("keeps savepoints inside the transaction: ROLLBACK TO SAVEPOINT does not end it", () => {
    const { ran, send } = harness();
    send(1, "START TRANSACTION");
    send(1, 'SAVEPOINT "typeorm_1"');
    send(1, 'ROLLBACK TO SAVEPOINT "typeorm_1"');
    send(2, "SELECT 2");
    assert.ok(!ran.includes("2:SELECT 2"), "still held: the transaction is open");
    send(1, "ROLLBACK");
    assert.equal(ran.at(-1), "2:SELECT 2");
  });

  it("a held statement that opens a transaction holds the rest again, its own statements excepted", () => {
    const { ran, send } = harness();
    send(1, "BEGIN");
    send(2, "START TRANSACTION");
    send(3, "SELECT 3");
    send(1, "COMMIT");
    // 2's transaction opened on the drain: 3 waits for it.
    assert.deepEqual(ran, ["1:BEGIN", "1:COMMIT", "2:START TRANSACTION"]);
    send(2, "INSERT INTO t VALUES (2)");
    send(2, "COMMIT");
    assert.deepEqual(ran.slice(3), ["2:INSERT INTO t VALUES (2)", "2:COMMIT", "3:SELECT 3"]);
  });

  it("rolls back a transaction its connection left open when released, and lets the others go on", () => {
    const { ran, arbiter, send } = harness();
    send(1, "START TRANSACTION");
    send(2, "SELECT 2");
    arbiter.release(2); // not the owner: nothing happens
    assert.deepEqual(ran, ["1:START TRANSACTION"]);
    arbiter.release(1);
    assert.deepEqual(ran, ["1:START TRANSACTION", "ROLLBACK (released)", "2:SELECT 2"]);
  });
});
