import assert from "node:assert/strict";
import { PGlite } from "@electric-sql/pglite";
import {
  scheduleVacuum,
  vacuumDeadRows,
  type SessionQuery,
  type VacuumRun,
} from "../../../src/framework/persistence/embedded/embeddedVacuum.js";

/**
 * The embedded database's vacuum on a real (in-memory) PGlite. A table
 * dropped between the statistics read and its VACUUM is the failure a run
 * meets in practice: it must not cost the other tables theirs.
 */
describe("embedded vacuum: one table's failure", function () {
  this.timeout(60_000);
  let db: PGlite;

  // A database per test: a run vacuums every table due, so each test's tables are all it sees.
  beforeEach(async () => {
    db = await PGlite.create();
  });
  afterEach(async () => {
    await db.close();
  });

  /** A table of 100 rows updated `rounds` times, due a vacuum once the statistics count its dead rows. */
  async function churned(name: string, rounds: number): Promise<void> {
    await db.exec(`CREATE TABLE ${name} (id int PRIMARY KEY, n int NOT NULL)`);
    await db.exec(`INSERT INTO ${name} SELECT g, 0 FROM generate_series(1, 100) g`);
    for (let i = 0; i < rounds; i++) await db.exec(`UPDATE ${name} SET n = n + 1`);
    // The statistics a run reads are flushed lazily: wait until they count the dead rows.
    for (let waited = 0; ; waited += 50) {
      await db.exec("SELECT pg_stat_force_next_flush()");
      const { rows } = await db.query<{ dead: number }>(
        "SELECT n_dead_tup::int AS dead FROM pg_stat_user_tables WHERE relname = $1",
        [name],
      );
      if ((rows[0]?.dead ?? 0) >= 100) return; // past the threshold (70 for 100 live rows); pruning keeps it below 100 × rounds
      assert.ok(waited < 10_000, `${name}'s dead rows were counted`);
      await sleep(50);
    }
  }

  /** The session's statements, except that `victim` is dropped just before its VACUUM would run. */
  const dropping =
    (victim: string): SessionQuery =>
    async (sql) => {
      if (sql.startsWith("VACUUM") && sql.includes(`"${victim}"`)) await db.exec(`DROP TABLE ${victim}`);
      return db.query(sql);
    };

  const lastVacuum = async (table: string) =>
    (
      await db.query<{ at: Date | null }>(
        "SELECT last_vacuum AS at FROM pg_stat_user_tables WHERE relname = $1",
        [table],
      )
    ).rows[0]?.at ?? null;

  it("vacuums the other tables and reports the one that failed, by name and reason", async () => {
    // The victim has the most dead rows, so it comes first in the run (ordered by dead rows).
    await churned("vac_victim", 6);
    await churned("vac_other", 3);
    const run = await vacuumDeadRows(dropping("vac_victim"));
    assert.deepEqual(run.vacuumed, ['"public"."vac_other"']);
    assert.equal(run.failed.length, 1);
    assert.equal(run.failed[0]!.table, '"public"."vac_victim"');
    assert.match(String((run.failed[0]!.error as Error).message), /does not exist/);
    assert.ok(await lastVacuum("vac_other"), "the other table was vacuumed");
  });

  it("reports each run that vacuumed or failed something, and a run that failed outright", async () => {
    await churned("vac_second", 6);
    await churned("vac_third", 3);
    const runs: (VacuumRun | { error: unknown })[] = [];
    let broken = false;
    const query: SessionQuery = async (sql) => {
      if (broken) throw new Error("the session is closing");
      return dropping("vac_second")(sql);
    };
    const schedule = scheduleVacuum(50, query, (run) => runs.push(run));
    try {
      for (let waited = 0; runs.length === 0 && waited < 10_000; waited += 25) await sleep(25);
      broken = true;
      for (let waited = 0; runs.length < 2 && waited < 10_000; waited += 25) await sleep(25);
    } finally {
      schedule.stop();
    }
    const first = runs[0] as VacuumRun;
    assert.deepEqual(first.vacuumed, ['"public"."vac_third"']);
    assert.deepEqual(
      first.failed.map((f) => f.table),
      ['"public"."vac_second"'],
    );
    // Runs with nothing to do are not reported: the next report is the failed one.
    assert.match(String(((runs[1] as { error: Error }).error ?? {}).message), /closing/);
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
