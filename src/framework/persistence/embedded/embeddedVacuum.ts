/**
 * The embedded database's autovacuum. PGlite is one PostgreSQL backend with
 * no background workers, so nothing reclaims the row versions an UPDATE
 * leaves behind: autosave rewrites every character's row every few seconds,
 * and the tables (and every scan of them) grow without end — 300 updates of
 * a small table took it from 147 KB to 1.7 MB. The worker (`pgliteWorker.ts`)
 * runs this every `EMBEDDED_VACUUM_SECONDS`, with PostgreSQL's own
 * autovacuum rule: a table is vacuumed once its dead rows pass
 * `THRESHOLD + SCALE × live rows` (autovacuum_vacuum_threshold and
 * autovacuum_vacuum_scale_factor's defaults).
 */

const THRESHOLD = 50;
const SCALE = 0.2;

/** Runs one statement on the worker's session, between other connections' transactions. */
export type SessionQuery = (sql: string) => Promise<{ rows: unknown[] }>;

/** What one run did: the tables it vacuumed, and those whose VACUUM failed, with why. */
export interface VacuumRun {
  vacuumed: string[];
  failed: { table: string; error: unknown }[];
}

/**
 * Vacuums (and analyzes) every user table with enough dead rows. A table
 * whose VACUUM fails (dropped meanwhile, say) is reported and the others
 * still get theirs; only a failed read of the statistics fails the run.
 */
export async function vacuumDeadRows(query: SessionQuery): Promise<VacuumRun> {
  const { rows } = await query(
    `SELECT schemaname AS schema, relname AS name FROM pg_stat_user_tables
     WHERE n_dead_tup > ${THRESHOLD} + ${SCALE} * n_live_tup ORDER BY n_dead_tup DESC`,
  );
  const run: VacuumRun = { vacuumed: [], failed: [] };
  for (const row of rows as { schema: string; name: string }[]) {
    const table = `${quoteIdent(row.schema)}.${quoteIdent(row.name)}`;
    try {
      // One table per statement: VACUUM runs outside any transaction block.
      await query(`VACUUM (ANALYZE) ${table}`);
      run.vacuumed.push(table);
    } catch (error) {
      run.failed.push({ table, error });
    }
  }
  return run;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Runs `vacuumDeadRows` every `everyMs` (0: never), one run at a time, and
 * tells `report` of every run that vacuumed or failed anything; a failed run
 * (the session closing, the statistics unreadable) waits for the next.
 */
export function scheduleVacuum(
  everyMs: number,
  query: SessionQuery,
  report: (run: VacuumRun | { error: unknown }) => void,
): { stop(): void } {
  if (everyMs <= 0) return { stop() {} };
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    vacuumDeadRows(query)
      .then(
        (run) => (run.vacuumed.length > 0 || run.failed.length > 0) && report(run),
        (error: unknown) => report({ error }),
      )
      .finally(() => (running = false));
  }, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
