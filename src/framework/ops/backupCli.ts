import { existsSync, mkdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, loadConfig, type Config } from "../config/config.js";
import { BackupError } from "../persistence/backup/BackupError.js";
import { backupFileName, openBackupFile } from "../persistence/backup/backupFile.js";
import { backupEmbedded, restoreEmbedded } from "../persistence/backup/embeddedBackup.js";
import { backupPostgres, restorePostgres } from "../persistence/backup/postgresBackup.js";

const USAGE = `Backs up and restores the server's database: PostgreSQL when DATABASE_URL is set
(pg_dump/pg_restore of the server's major version), else the embedded database in DATA_DIR
(the server must be stopped). The same environment as the server's selects the database.

  npm run backup -- [--out FILE|DIR] [--pg-bin DIR]
      writes one self-describing file (default: ./backups/mxo-<kind>-<UTC time>.mxo-backup)
  npm run restore -- FILE [--force] [--pg-bin DIR]
      restores into an empty database (--force: drop what is there first); the server
      migrates an older backup forward on its next start

  --pg-bin DIR   where pg_dump and pg_restore are (default: /usr/lib/postgresql/<server major>/bin, then PATH)
  Built: node dist/src/framework/ops/backupCli.js backup|restore …`;

/** `backup` or `restore`, as `npm run backup` / `npm run restore` call it. Exit 0 done, 1 refused or failed, 2 usage. */
async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: "string" },
        force: { type: "boolean", default: false },
        "pg-bin": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, file, ...extra] = positionals;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const wrong =
    command === "backup"
      ? file !== undefined || values.force
        ? "backup takes no file and no --force (use --out)"
        : undefined
      : command === "restore"
        ? file === undefined || extra.length > 0 || values.out !== undefined
          ? "restore takes one backup file and no --out"
          : undefined
        : `unknown command ${JSON.stringify(command ?? "")}: backup or restore`;
  if (wrong) {
    console.error(`${wrong}\n\n${USAGE}`);
    return 2;
  }

  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 2;
    }
    throw err;
  }
  const pgBin = values["pg-bin"];
  const started = Date.now();
  const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
  try {
    if (command === "backup") {
      const kind = config.databaseUrl ? "postgres" : "embedded";
      const out = outputPath(values.out, kind);
      const result = config.databaseUrl
        ? await backupPostgres(config.databaseUrl, out, { pgBin })
        : await backupEmbedded(config.dataDir, out);
      console.log(
        `backup written: ${result.path} (${kind}, ${(result.bytes / 1e6).toFixed(1)} MB in ${seconds()} s; ` +
          `latest migration ${result.manifest.latestMigration})`,
      );
      return 0;
    }
    const backup = await openBackupFile(resolve(file!));
    const result = config.databaseUrl
      ? await restorePostgres(config.databaseUrl, backup, { force: values.force, pgBin })
      : await restoreEmbedded(config.dataDir, backup, { force: values.force });
    const m = result.manifest;
    console.log(
      `restored ${backup.path} (${m.kind}, made ${m.createdAt} by mxo-server ${m.appVersion}, ` +
        `latest migration ${m.latestMigration}) in ${seconds()} s`,
    );
    if (result.pending.length > 0) {
      console.log(`the server migrates it forward on its next start: ${result.pending.join(", ")}`);
    }
    return 0;
  } catch (err) {
    if (err instanceof BackupError) {
      console.error(`${command} refused (${err.code}): ${err.message}`);
      return 1;
    }
    throw err;
  }
}

/** --out as given (a file, or a directory to put a named file in), else ./backups/<name>. */
function outputPath(out: string | undefined, kind: "postgres" | "embedded"): string {
  const name = backupFileName(kind, new Date());
  if (out === undefined) {
    mkdirSync("backups", { recursive: true });
    return resolve("backups", name);
  }
  if (out.endsWith("/") || (existsSync(out) && statSync(out).isDirectory())) {
    mkdirSync(out, { recursive: true });
    return resolve(join(out, name));
  }
  return resolve(out);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
