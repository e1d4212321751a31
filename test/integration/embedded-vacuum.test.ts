import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { sleep } from "../helpers/api.js";
import { useEmbeddedDatabase } from "../helpers/embeddedDatabase.js";
import { pino } from "pino";

/**
 * PGlite runs no autovacuum: without the worker's own (embeddedVacuum.ts),
 * every autosave's UPDATE leaves a dead row version behind for good.
 */
describe("embedded database vacuums its dead rows", function () {
  /** The server's log lines: the worker has no logger, so its runs reach this one. */
  const lines: { msg: string; tables?: string[] }[] = [];
  const log = pino({ level: "debug" }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  const embedded = useEmbeddedDatabase(this, { EMBEDDED_VACUUM_SECONDS: "1" }, log);
  const query = <T>(sql: string, params: unknown[] = []) =>
    embedded.db.dataSource.query(sql, params) as Promise<T[]>;
  const stats = async (table: string) =>
    (
      await query<{ dead: number; vacuumed: boolean }>(
        "SELECT n_dead_tup::int AS dead, last_vacuum IS NOT NULL AS vacuumed FROM pg_stat_user_tables WHERE relname = $1",
        [table],
      )
    )[0]!;

  /** A table of 200 rows, each updated `rounds` times: 200 × rounds dead row versions. */
  async function churned(rounds: number): Promise<string> {
    const table = `churn_${randomUUID().slice(0, 8)}`;
    await query(`CREATE TABLE ${table} (id int PRIMARY KEY, n int NOT NULL)`);
    await query(`INSERT INTO ${table} SELECT g, 0 FROM generate_series(1, 200) g`);
    for (let i = 0; i < rounds; i++) await query(`UPDATE ${table} SET n = n + 1`);
    return table;
  }

  it("vacuums a table whose dead rows pass PostgreSQL's autovacuum threshold, within a few intervals", async () => {
    const table = await churned(5);
    let last = await stats(table);
    for (let waited = 0; !(last.vacuumed && last.dead < 50) && waited < 20_000; waited += 250) {
      await sleep(250);
      last = await stats(table);
    }
    assert.ok(last.vacuumed, `${table} was vacuumed`);
    assert.ok(last.dead < 50, `${table} has ${last.dead} dead rows left`);
    const [size] = await query<{ rows: number }>(`SELECT count(*)::int AS rows FROM ${table}`);
    assert.equal(size!.rows, 200, "and lost no live row");
    const said = lines.filter((l) => l.msg === "embedded database: vacuumed").flatMap((l) => l.tables ?? []);
    assert.ok(said.includes(`"public"."${table}"`), `the server's log names it: ${JSON.stringify(said)}`);
  });

  it("never vacuums inside a connection's open transaction: the transaction goes on and commits", async () => {
    const runner = embedded.db.dataSource.createQueryRunner();
    let table: string;
    try {
      // Open the transaction while a table is due a vacuum (its dead rows counted) and not yet vacuumed.
      for (let attempt = 0; ; attempt++) {
        table = await churned(5);
        while ((await stats(table)).dead < 300) await sleep(50);
        await runner.startTransaction();
        const [due] = (await runner.query(
          "SELECT last_vacuum IS NULL AS due FROM pg_stat_user_tables WHERE relname = $1",
          [table],
        )) as { due: boolean }[];
        if (due!.due) break;
        await runner.rollbackTransaction(); // the vacuum came first: again, with a new table
        assert.ok(attempt < 5, "a table due a vacuum when the transaction opened");
      }
      await runner.query(`UPDATE ${table} SET n = -1 WHERE id = 1`);
      // Several vacuum intervals pass while the transaction is open: a VACUUM run inside it would fail
      // and abort it. Other connections' statements wait meanwhile.
      await sleep(3_000);
      await runner.query(`UPDATE ${table} SET n = -2 WHERE id = 2`);
      await runner.commitTransaction();
    } finally {
      await runner.release();
    }
    const rows = await query<{ id: number; n: number }>(
      `SELECT id, n FROM ${table} WHERE id <= 2 ORDER BY id`,
    );
    assert.deepEqual(
      rows.map((r) => r.n),
      [-1, -2],
      "both of its updates committed",
    );
    let vacuumed = false;
    for (let waited = 0; !vacuumed && waited < 20_000; waited += 250) {
      await sleep(250);
      vacuumed = (await stats(table)).vacuumed;
    }
    assert.ok(vacuumed, "vacuumed once the transaction ended");
  });
});
