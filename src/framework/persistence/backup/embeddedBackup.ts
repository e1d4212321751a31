import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { PGlite } from "@electric-sql/pglite";
import { PACKAGE_VERSION } from "../../util/version.js";
import { isAlive, lockDataDir } from "../database.js";
import { BackupError } from "./BackupError.js";
import {
  writeBackupFile,
  type AppliedMigration,
  type BackupFile,
  type BackupManifest,
} from "./backupFile.js";
import type { BackupResult, RestoreResult } from "./postgresBackup.js";
import { checkRestorable, latestOf } from "./schemaCompat.js";

/** Where openDatabase keeps PGlite's files (src/framework/persistence/database.ts). */
const pgliteDir = (dataDir: string) => join(dataDir, "pglite");

/**
 * The embedded database belongs to one process at a time, the server's, and
 * lives in that process's memory as much as on disk: a copy of its files
 * taken beside a running server is not a consistent database. So a backup
 * and a restore refuse while the server runs, and hold DATA_DIR's lock while
 * they work (a server started meanwhile refuses, as a second server would).
 * The dump is PGlite's own dumpDataDir: the data directory, checkpointed by
 * the one PGlite instance that has it open, as a gzipped tar.
 */
export async function backupEmbedded(dataDir: string, outPath: string): Promise<BackupResult> {
  if (!existsSync(join(pgliteDir(dataDir), "PG_VERSION"))) {
    throw new BackupError("no_database", `${dataDir} holds no embedded database (no ${pgliteDir(dataDir)})`);
  }
  const release = takeDataDir(dataDir, "back up");
  try {
    const db = await PGlite.create({ dataDir: pgliteDir(dataDir) });
    try {
      const applied = await appliedMigrations(db);
      if (!applied) {
        throw new BackupError("no_database", `the embedded database in ${dataDir} has no mxo-server schema`);
      }
      const tarball = Buffer.from(await (await db.dumpDataDir("gzip")).arrayBuffer());
      const manifest: BackupManifest = {
        format: 1,
        kind: "embedded",
        createdAt: new Date().toISOString(),
        appVersion: PACKAGE_VERSION,
        latestMigration: latestOf(applied),
        migrations: applied,
        payload: "pglite/datadir.tar.gz",
        source: { server: await pgliteVersion(db), dataDir },
      };
      const { bytes } = await writeBackupFile(outPath, manifest, (out) =>
        pipeline(Readable.from([tarball]), out),
      );
      return { path: outPath, bytes, manifest };
    } finally {
      await db.close();
    }
  } finally {
    release();
  }
}

/**
 * Unpacks the backup's data directory into DATA_DIR/pglite through PGlite's
 * loadDataDir, then opens it to check it is the database the manifest
 * describes. Refuses a non-empty target unless `force`, which removes the
 * existing database first (nothing else in DATA_DIR is touched).
 */
export async function restoreEmbedded(
  dataDir: string,
  file: BackupFile,
  opts: { force?: boolean } = {},
): Promise<RestoreResult> {
  const { manifest } = file;
  const pending = checkRestorable(manifest, "embedded");
  mkdirSync(dataDir, { recursive: true });
  const release = takeDataDir(dataDir, "restore");
  const target = pgliteDir(dataDir);
  try {
    if (existsSync(target) && readdirSync(target).length > 0) {
      if (!opts.force) {
        throw new BackupError(
          "target_not_empty",
          `${target} already holds a database: a restore replaces it. Move it away, ` +
            `or pass --force to delete it first.`,
        );
      }
      await rm(target, { recursive: true, force: true });
    }
    const tarball = (await readFile(file.path)).subarray(file.payloadOffset);
    let db: PGlite | undefined;
    try {
      db = await PGlite.create({ dataDir: target, loadDataDir: new Blob([tarball]) });
      const restored = latestOf((await appliedMigrations(db)) ?? []);
      if (restored !== manifest.latestMigration) {
        throw new BackupError(
          "restore_failed",
          `the restored database's latest migration is ${restored}, not the backup's ${manifest.latestMigration}`,
        );
      }
    } catch (err) {
      await db?.close().catch(() => {});
      db = undefined;
      // Half a data directory is worse than none: the next start would take it for a database.
      await rm(target, { recursive: true, force: true });
      throw err instanceof BackupError
        ? err
        : new BackupError("restore_failed", `cannot load the backup: ${(err as Error).message}`, {
            cause: err,
          });
    } finally {
      await db?.close();
    }
    return { manifest, pending: pending.map((m) => m.name) };
  } finally {
    release();
  }
}

/** DATA_DIR's lock, with a sentence that says what to do when the server holds it. */
function takeDataDir(dataDir: string, what: string): () => void {
  const pidFile = join(dataDir, "pglite.pid");
  const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, "utf8").trim()) : NaN;
  if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
    throw new BackupError(
      "server_running",
      `the server (process ${pid}) is using the embedded database in ${dataDir}: stop it first ` +
        `(SIGTERM saves every player), then ${what}. The embedded database serves one process at a time; ` +
        `for backups while serving, run on PostgreSQL (DATABASE_URL).`,
    );
  }
  return lockDataDir(dataDir);
}

async function appliedMigrations(db: PGlite): Promise<AppliedMigration[] | undefined> {
  const present = await db.query<{ ok: boolean }>(
    "SELECT to_regclass('public.migrations') IS NOT NULL AS ok",
  );
  if (!present.rows[0]!.ok) return undefined;
  const rows = await db.query<{ name: string; timestamp: string }>(
    "SELECT name, timestamp::text AS timestamp FROM public.migrations ORDER BY timestamp, id",
  );
  return rows.rows.map((r) => ({ name: r.name, timestamp: Number(r.timestamp) }));
}

async function pgliteVersion(db: PGlite): Promise<string> {
  const row = await db.query<{ v: string }>("SELECT current_setting('server_version') AS v");
  return `PGlite (PostgreSQL ${row.rows[0]!.v.split(" ")[0]})`;
}
