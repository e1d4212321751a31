import { randomUUID } from "node:crypto";
import { loadConfig } from "../../src/framework/config/config.js";
import { openDatabase, type Database } from "../../src/framework/persistence/database.js";
import { createLogger, type Logger } from "../../src/framework/util/logger.js";
import { tempDataDir } from "./serverProcess.js";

/** The suite's own embedded database (PGlite in its worker thread) in a temporary DATA_DIR. */
export interface EmbeddedDatabase {
  /** The database open now: `open()` replaces it. */
  readonly db: Database;
  readonly dir: string;
  /** Opens the database again on the same DATA_DIR (after a test closed it). */
  open(): Promise<Database>;
}

/**
 * Registers the suite's hooks: a fresh DATA_DIR and the embedded database
 * opened on it before the tests, closed and removed after. Call it inside
 * `describe`. A fresh PGlite (initdb, then every migration) takes tens of
 * seconds on a loaded 2-core machine, hence the suite's timeout.
 */
export function useEmbeddedDatabase(
  suite: Mocha.Suite,
  env: Record<string, string> = {},
  log: Logger = createLogger("silent"),
): EmbeddedDatabase {
  suite.timeout(180_000);
  let data: ReturnType<typeof tempDataDir> | undefined;
  let db: Database | undefined;
  const handle: EmbeddedDatabase = {
    get db() {
      if (!db) throw new Error("the embedded database is opened in the suite's before hook");
      return db;
    },
    get dir() {
      if (!data) throw new Error("the DATA_DIR is made in the suite's before hook");
      return data.dir;
    },
    async open() {
      db = await openDatabase(loadConfig({ ...env, DATA_DIR: handle.dir }), log);
      return db;
    },
  };
  before(async () => {
    data = tempDataDir();
    await handle.open();
  });
  after(async () => {
    await db?.close();
    data?.remove();
  });
  return handle;
}

/** Inserts an account named `name` through whatever runs SQL (a DataSource, a transaction's manager, a query runner). */
export function insertAccount(
  q: { query(sql: string, params: unknown[]): Promise<unknown> },
  name: string,
): Promise<unknown> {
  return q.query("INSERT INTO accounts (id, username, password_hash) VALUES ($1, $2, 'x')", [
    randomUUID(),
    name,
  ]);
}

/** How many accounts are named `name` (0 or 1: usernames are unique). */
export async function accountsNamed(db: Database, name: string): Promise<number> {
  return ((await db.dataSource.query("SELECT 1 FROM accounts WHERE username = $1", [name])) as unknown[])
    .length;
}
