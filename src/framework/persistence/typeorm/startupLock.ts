import type { DataSource } from "typeorm";
import type { Logger } from "../../util/logger.js";

/**
 * Arbitrary constant, the same in every version of the server: one key for
 * all the work processes do at start on a shared PostgreSQL database.
 */
export const STARTUP_LOCK_KEY = 0x6d786f; // "mxo"

/**
 * Runs `work` while holding a PostgreSQL session advisory lock, so processes
 * starting at once on one database (a rollout, `pm2 -i N`) take turns at
 * what must happen once: migrations, then the ADMIN_USERNAME account. The
 * lock lives on a connection of its own and dies with it, so a process killed
 * while holding it frees the others at once. `work` runs its queries on the
 * pool as usual; only the lock's connection is set aside.
 */
export async function underStartupLock<T>(
  dataSource: DataSource,
  log: Logger,
  what: string,
  work: () => Promise<T>,
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  let held = false;
  try {
    const [first] = (await runner.query("SELECT pg_try_advisory_lock($1) AS locked", [STARTUP_LOCK_KEY])) as {
      locked: boolean;
    }[];
    held = first?.locked === true;
    if (!held) {
      // Said once, so a start that seems to hang on a busy database explains itself.
      log.info({ work: what }, "another process is starting on this database; waiting for it");
      await runner.query("SELECT pg_advisory_lock($1)", [STARTUP_LOCK_KEY]);
      held = true;
    }
    return await work();
  } finally {
    if (held) await runner.query("SELECT pg_advisory_unlock($1)", [STARTUP_LOCK_KEY]).catch(() => {});
    await runner.release();
  }
}
