import { PACKAGE_VERSION } from "../../util/version.js";
import { migrations } from "../migrations/index.js";
import { BackupError } from "./BackupError.js";
import type { AppliedMigration, BackupManifest, DatabaseKind } from "./backupFile.js";

/** The migrations this code knows, oldest first, as TypeORM records them (name ends with the timestamp). */
export function codeMigrations(): AppliedMigration[] {
  return migrations.map((M) => {
    const name = new M().name ?? M.name;
    return { name, timestamp: Number(/(\d{13})$/.exec(name)?.[1] ?? 0) };
  });
}

export function latestOf(applied: AppliedMigration[]): string | null {
  let latest: AppliedMigration | undefined;
  for (const m of applied) if (!latest || m.timestamp > latest.timestamp) latest = m;
  return latest?.name ?? null;
}

/**
 * Whether this code may restore the backup into a `target` database: the same
 * kind (a pg_dump archive is no PGlite data directory, and the other way
 * round), and no migration this code does not know — the server would run on
 * a schema it was not written for, and its forward-only migrations cannot
 * take it back. An older schema is fine: the server migrates it forward on
 * start. Returns the migrations the server will run.
 */
export function checkRestorable(manifest: BackupManifest, target: DatabaseKind): AppliedMigration[] {
  if (manifest.kind !== target) {
    const how =
      target === "postgres"
        ? "DATABASE_URL is set, so the target is PostgreSQL; unset it to restore into DATA_DIR's embedded database"
        : "DATABASE_URL is not set, so the target is the embedded database in DATA_DIR; set DATABASE_URL to restore into PostgreSQL";
    throw new BackupError(
      "kind_mismatch",
      `This backup is of the ${manifest.kind === "postgres" ? "PostgreSQL" : "embedded"} database, but ${how}.`,
    );
  }
  const known = codeMigrations();
  const knownNames = new Set(known.map((m) => m.name));
  const unknown = manifest.migrations.filter((m) => !knownNames.has(m.name)).map((m) => m.name);
  if (unknown.length > 0) {
    throw new BackupError(
      "schema_newer",
      `The backup's schema is newer than this code: it has migration${unknown.length > 1 ? "s" : ""} ` +
        `${unknown.join(", ")}, which mxo-server ${PACKAGE_VERSION} (latest migration ${latestOf(known)}) ` +
        `does not know. It was made by mxo-server ${manifest.appVersion}: restore it with that version or a later one.`,
    );
  }
  const applied = new Set(manifest.migrations.map((m) => m.name));
  return known.filter((m) => !applied.has(m.name));
}
