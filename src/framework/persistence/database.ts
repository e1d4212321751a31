import { mkdirSync, readFileSync, writeFileSync, rmSync, existsSync } from "node:fs";
import { join } from "node:path";
import { DataSource } from "typeorm";
import type { Config } from "../config/config.js";
import type { Logger } from "../util/logger.js";
import { Account } from "../../../entities/Account.js";
import { Character } from "../../../entities/Character.js";
import { InventoryItem } from "../../../entities/InventoryItem.js";
import { LedgerEntry } from "../../../entities/LedgerEntry.js";
import { Session } from "../../../entities/Session.js";
import { embeddedDriver, type VacuumReport } from "./embedded/workerDriver.js";
import { migrations } from "./migrations/index.js";
import { instrumentation } from "../tracing/tracing.js";
import { underStartupLock } from "./typeorm/startupLock.js";

export const entities = [Account, Character, Session, InventoryItem, LedgerEntry];

export interface Database {
  dataSource: DataSource;
  kind: "postgres" | "embedded";
  /** Cheap round trip for readiness probes. */
  ping(): Promise<void>;
  /**
   * Runs start-up work that must happen once however many processes start
   * at once on this database (see typeorm/startupLock.ts); the embedded
   * database serves one process, so there it just runs.
   */
  exclusively<T>(what: string, work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** The embedded database's vacuum runs, in the server's log: a failure as a warning, the rest for debugging. */
function logVacuum(log: Logger, run: VacuumReport): void {
  if (run.error) log.warn({ err: run.error }, "embedded database: a vacuum run failed; retried at the next");
  for (const { table, error } of run.failed) {
    log.warn({ table, err: error }, "embedded database: vacuum of a table failed; retried at the next run");
  }
  if (run.vacuumed.length > 0) log.debug({ tables: run.vacuumed }, "embedded database: vacuumed");
}

export async function openDatabase(config: Config, log: Logger): Promise<Database> {
  const started = Date.now();
  const kind = config.databaseUrl ? "postgres" : "embedded";
  let releaseLock = () => {};
  let dataSource: DataSource;

  if (config.databaseUrl) {
    dataSource = new DataSource({
      type: "postgres",
      url: config.databaseUrl,
      entities,
      migrations,
      migrationsRun: false,
      synchronize: false,
      extra: { max: 10, connectionTimeoutMillis: 5000 },
    });
  } else {
    const dir = join(config.dataDir, "pglite");
    mkdirSync(dir, { recursive: true });
    releaseLock = lockDataDir(config.dataDir);
    dataSource = new DataSource({
      type: "postgres",
      driver: embeddedDriver(dir, {
        vacuumEverySeconds: config.embeddedVacuumSeconds,
        onVacuum: (run) => logVacuum(log, run),
      }),
      // PGlite has pgcrypto built in and cannot install uuid-ossp.
      uuidExtension: "pgcrypto",
      installExtensions: false,
      entities,
      migrations,
      migrationsRun: false,
      synchronize: false,
    });
  }

  instrumentation()?.database(dataSource, { url: config.databaseUrl, embedded: kind === "embedded" });
  try {
    await dataSource.initialize();
    await runMigrations(dataSource, kind, log);
  } catch (err) {
    releaseLock();
    if (dataSource.isInitialized) await dataSource.destroy().catch(() => {});
    throw err;
  }
  log.info({ db: kind, ms: Date.now() - started }, "database ready");

  return {
    dataSource,
    kind,
    async ping() {
      await dataSource.query("SELECT 1");
    },
    exclusively: (what, work) =>
      kind === "postgres" ? underStartupLock(dataSource, log, what, work) : work(),
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      releaseLock();
    },
  };
}

async function runMigrations(
  dataSource: DataSource,
  kind: "postgres" | "embedded",
  log: Logger,
): Promise<void> {
  const run = async () => {
    await dataSource.runMigrations({ transaction: "each" });
  };
  // Several processes may start at once against one database: the lock makes
  // the others wait and then find nothing left to run.
  await (kind === "embedded" ? run() : underStartupLock(dataSource, log, "migrations", run));
}

/**
 * PGlite is single-process: two servers on one DATA_DIR would corrupt it. A pid
 * file refuses the second one while the first is alive, and is taken over when
 * its owner is gone (crash, kill -9).
 */
export function lockDataDir(dataDir: string): () => void {
  const file = join(dataDir, "pglite.pid");
  if (existsSync(file)) {
    const pid = Number(readFileSync(file, "utf8").trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
      throw new Error(
        `DATA_DIR ${dataDir} is in use by process ${pid}; the embedded database serves one process. ` +
          `Set DATABASE_URL to run several processes.`,
      );
    }
  }
  writeFileSync(file, String(process.pid));
  return () => {
    try {
      if (readFileSync(file, "utf8").trim() === String(process.pid)) rmSync(file);
    } catch {
      // already gone
    }
  };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
