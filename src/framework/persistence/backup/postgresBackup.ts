import { pipeline } from "node:stream/promises";
import pg from "pg";
import { PACKAGE_VERSION } from "../../util/version.js";
import { BackupError } from "./BackupError.js";
import {
  payloadStream,
  writeBackupFile,
  type AppliedMigration,
  type BackupFile,
  type BackupManifest,
} from "./backupFile.js";
import { databaseName, findPgTool, pgConnection, runPgTool } from "./pgTools.js";
import { checkRestorable, latestOf } from "./schemaCompat.js";

export interface BackupResult {
  path: string;
  bytes: number;
  manifest: BackupManifest;
}

export interface RestoreResult {
  manifest: BackupManifest;
  /** Migrations the server will run on its next start (the backup was older than the code). */
  pending: string[];
}

/**
 * pg_dump in its custom format (compressed; pg_restore picks what to restore
 * and in what order) from one snapshot. The manifest is read inside that very
 * snapshot — exported by our transaction and handed to pg_dump with
 * --snapshot — so the migrations it names are those of the dumped data even
 * while the server runs and another process migrates. The server keeps
 * serving meanwhile: pg_dump takes only ACCESS SHARE locks.
 */
export async function backupPostgres(
  databaseUrl: string,
  outPath: string,
  opts: { pgBin?: string } = {},
): Promise<BackupResult> {
  const client = await connect(databaseUrl);
  try {
    const server = await serverVersion(client);
    const pgDump = findPgTool("pg_dump", server.major, opts.pgBin);
    if (pgDump.major < server.major) {
      throw new BackupError(
        "tool_version",
        `${pgDump.version} cannot dump a PostgreSQL ${server.major} server (pg_dump must be of the server's ` +
          `major version or newer): install postgresql-client-${server.major} or pass --pg-bin DIR`,
      );
    }
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const snapshot = (await client.query<{ id: string }>("SELECT pg_export_snapshot() AS id")).rows[0]!.id;
    const applied = await appliedMigrations(client);
    if (!applied) {
      throw new BackupError(
        "no_database",
        `database ${databaseName(databaseUrl)} holds no mxo-server schema (no migrations table): ` +
          `is DATABASE_URL the server's?`,
      );
    }
    const manifest: BackupManifest = {
      format: 1,
      kind: "postgres",
      createdAt: new Date().toISOString(),
      appVersion: PACKAGE_VERSION,
      latestMigration: latestOf(applied),
      migrations: applied,
      payload: "pg_dump/custom",
      source: {
        server: `PostgreSQL ${server.version}`,
        serverMajor: String(server.major),
        database: databaseName(databaseUrl),
        tool: pgDump.version,
        toolMajor: String(pgDump.major),
      },
    };
    const conn = pgConnection(databaseUrl);
    const { bytes } = await writeBackupFile(outPath, manifest, (out) =>
      runPgTool(
        pgDump,
        ["--format=custom", `--snapshot=${snapshot}`, `--dbname=${conn.dbname}`],
        { env: conn.env, onStdout: (stdout) => pipeline(stdout, out) },
        "dump_failed",
      ),
    );
    await client.query("COMMIT");
    return { path: outPath, bytes, manifest };
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * pg_restore into DATABASE_URL's database, created when missing. An empty
 * target only, unless `force`: then every schema in it is dropped first (a
 * transaction of its own). The restore is one transaction
 * (--single-transaction): one that fails half-way leaves the target empty,
 * never half-restored. Objects are owned by DATABASE_URL's role
 * (--no-owner --no-privileges), so a dump from another server with other
 * role names restores as the server's own.
 */
export async function restorePostgres(
  databaseUrl: string,
  file: BackupFile,
  opts: { force?: boolean; pgBin?: string } = {},
): Promise<RestoreResult> {
  const { manifest } = file;
  const pending = checkRestorable(manifest, "postgres");
  await ensureDatabase(databaseUrl);
  const client = await connect(databaseUrl);
  try {
    const server = await serverVersion(client);
    const sourceMajor = Number(manifest.source.serverMajor ?? server.major);
    if (server.major < sourceMajor) {
      throw new BackupError(
        "tool_version",
        `the backup is of PostgreSQL ${sourceMajor}; restoring it into an older server (${server.major}) is not supported`,
      );
    }
    const dumpMajor = Number(manifest.source.toolMajor ?? server.major);
    const pgRestore = findPgTool("pg_restore", Math.max(server.major, dumpMajor), opts.pgBin);
    if (pgRestore.major < dumpMajor) {
      throw new BackupError(
        "tool_version",
        `the backup was written by pg_dump ${dumpMajor}, which ${pgRestore.version} cannot read: ` +
          `install postgresql-client-${dumpMajor} or pass --pg-bin DIR`,
      );
    }
    const tables = await userTables(client);
    if (tables.length > 0) {
      if (!opts.force) {
        throw new BackupError(
          "target_not_empty",
          `database ${databaseName(databaseUrl)} is not empty (${tables.length} tables, e.g. ` +
            `${tables.slice(0, 3).join(", ")}): a restore would mix two databases. Restore into a new database, ` +
            `or pass --force to drop everything in this one first.`,
        );
      }
      await dropEverything(client);
    }
    const conn = pgConnection(databaseUrl);
    await runPgTool(
      pgRestore,
      [`--dbname=${conn.dbname}`, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"],
      { env: conn.env, stdin: payloadStream(file) },
      "restore_failed",
    );
    const restored = await appliedMigrations(client);
    if (latestOf(restored ?? []) !== manifest.latestMigration) {
      throw new BackupError(
        "restore_failed",
        `after pg_restore the latest migration is ${latestOf(restored ?? [])}, not the backup's ${manifest.latestMigration}`,
      );
    }
    return { manifest, pending: pending.map((m) => m.name) };
  } finally {
    await client.end().catch(() => {});
  }
}

async function connect(databaseUrl: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    return client;
  } catch (err) {
    await client.end().catch(() => {});
    throw new BackupError(
      "no_database",
      `cannot connect to database ${databaseName(databaseUrl)}: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

async function serverVersion(client: pg.Client): Promise<{ major: number; version: string }> {
  const num = (await client.query<{ server_version_num: string }>("SHOW server_version_num")).rows[0]!;
  const text = (await client.query<{ server_version: string }>("SHOW server_version")).rows[0]!;
  return {
    major: Math.floor(Number(num.server_version_num) / 10_000),
    version: text.server_version.split(" ")[0]!,
  };
}

/** TypeORM's migrations table, oldest first; undefined when the database has none. */
async function appliedMigrations(client: pg.Client): Promise<AppliedMigration[] | undefined> {
  const present = await client.query<{ ok: boolean }>(
    "SELECT to_regclass('public.migrations') IS NOT NULL AS ok",
  );
  if (!present.rows[0]!.ok) return undefined;
  const rows = await client.query<{ name: string; timestamp: string }>(
    "SELECT name, timestamp::text AS timestamp FROM public.migrations ORDER BY timestamp, id",
  );
  return rows.rows.map((r) => ({ name: r.name, timestamp: Number(r.timestamp) }));
}

/** Tables and views outside PostgreSQL's own schemas. */
async function userTables(client: pg.Client): Promise<string[]> {
  const rows = await client.query<{ name: string }>(
    `SELECT n.nspname || '.' || c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
       AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1`,
  );
  return rows.rows.map((r) => r.name);
}

/** --force: every non-system schema goes (with the extensions in it), and an empty public comes back. */
async function dropEverything(client: pg.Client): Promise<void> {
  const schemas = await client.query<{ name: string }>(
    `SELECT nspname AS name FROM pg_namespace
     WHERE nspname NOT IN ('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg\\_%'`,
  );
  await client.query("BEGIN");
  try {
    for (const { name } of schemas.rows)
      await client.query(`DROP SCHEMA ${client.escapeIdentifier(name)} CASCADE`);
    await client.query("CREATE SCHEMA public");
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw new BackupError("restore_failed", `cannot empty the target database: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/** "Wipe" often means DROP DATABASE: restore creates it again, through the server's maintenance database. */
async function ensureDatabase(databaseUrl: string): Promise<void> {
  const probe = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
  try {
    await probe.connect();
    return;
  } catch (err) {
    if ((err as { code?: string }).code !== "3D000") return; // connect() reports anything else
  } finally {
    await probe.end().catch(() => {});
  }
  const name = databaseName(databaseUrl);
  const maintenance = new URL(databaseUrl);
  maintenance.pathname = "/postgres";
  const admin = await connect(maintenance.toString());
  try {
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
  } catch (err) {
    throw new BackupError(
      "no_database",
      `database ${name} does not exist and cannot be created (${(err as Error).message}): ` +
        `create it (createdb -O <role> ${name}) and restore again`,
      { cause: err },
    );
  } finally {
    await admin.end().catch(() => {});
  }
}
