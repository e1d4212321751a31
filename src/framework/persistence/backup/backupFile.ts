import { createReadStream, createWriteStream, existsSync } from "node:fs";
import { open, rename, rm } from "node:fs/promises";
import type { Readable, Writable } from "node:stream";
import { z } from "zod";
import { BackupError } from "./BackupError.js";

/**
 * A backup is one file: a magic line, the manifest as one line of JSON, then
 * the database's own dump (pg_dump's custom format, or PGlite's data
 * directory as a gzipped tar). One file is what an operator copies to
 * off-site storage, checksums and rotates; the manifest travels inside it,
 * so `head -n 2 FILE` says what it is without any tool.
 */
export const BACKUP_MAGIC = "MXO-BACKUP 1";
export const BACKUP_EXTENSION = ".mxo-backup";
/** The manifest is a few hundred bytes; anything larger is not one of ours. */
const MAX_HEADER_BYTES = 256 * 1024;

export type DatabaseKind = "postgres" | "embedded";

const MigrationSchema = z.object({ name: z.string().min(1), timestamp: z.number().int() });
export type AppliedMigration = z.infer<typeof MigrationSchema>;

export const BackupManifestSchema = z.object({
  format: z.literal(1),
  kind: z.enum(["postgres", "embedded"]),
  createdAt: z.string().min(1),
  appVersion: z.string().min(1),
  /** The newest migration applied in the backed-up database (null: none ran yet). */
  latestMigration: z.string().nullable(),
  migrations: z.array(MigrationSchema),
  payload: z.enum(["pg_dump/custom", "pglite/datadir.tar.gz"]),
  /** Where it came from: server version, database name, the dump tool's version. */
  source: z.record(z.string(), z.string()),
});
export type BackupManifest = z.infer<typeof BackupManifestSchema>;

export interface BackupFile {
  path: string;
  manifest: BackupManifest;
  /** Where the dump starts in the file. */
  payloadOffset: number;
}

/**
 * Writes the header, then lets `payload` write the dump and end the stream,
 * resolving only once the dump tool has succeeded. The file appears only
 * once it is complete and on disk (written as `.partial`, fsynced, renamed):
 * a backup cut short by a failing dump, a full disk or a killed process never
 * looks like a good one. An existing file is never overwritten.
 */
export async function writeBackupFile(
  path: string,
  manifest: BackupManifest,
  payload: (out: Writable) => Promise<void>,
): Promise<{ bytes: number }> {
  if (existsSync(path))
    throw new BackupError("output_exists", `${path} already exists; choose another --out`);
  const partial = `${path}.partial`;
  const out = createWriteStream(partial, { mode: 0o600 });
  try {
    out.write(`${BACKUP_MAGIC}\n${JSON.stringify(manifest)}\n`);
    await payload(out);
    const handle = await open(partial, "r+");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(partial, path);
    return { bytes: out.bytesWritten };
  } catch (err) {
    out.destroy();
    await rm(partial, { force: true });
    throw err;
  }
}

/** Reads and checks the header; the dump itself is read later, from `payloadOffset`. */
export async function openBackupFile(path: string): Promise<BackupFile> {
  if (!existsSync(path)) throw new BackupError("not_a_backup", `${path} does not exist`);
  const handle = await open(path, "r");
  let head: Buffer;
  try {
    const buffer = Buffer.alloc(MAX_HEADER_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, MAX_HEADER_BYTES, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  const notOurs = (why: string) =>
    new BackupError("not_a_backup", `${path} is not an mxo-server backup (${why})`);
  const magicEnd = head.indexOf(0x0a);
  if (magicEnd < 0 || head.subarray(0, magicEnd).toString("latin1") !== BACKUP_MAGIC) {
    throw notOurs(`it does not start with "${BACKUP_MAGIC}"`);
  }
  const manifestEnd = head.indexOf(0x0a, magicEnd + 1);
  if (manifestEnd < 0) throw notOurs("no manifest line");
  let json: unknown;
  try {
    json = JSON.parse(head.subarray(magicEnd + 1, manifestEnd).toString("utf8"));
  } catch {
    throw notOurs("the manifest is not JSON");
  }
  const parsed = BackupManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw notOurs(`manifest field ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  return { path, manifest: parsed.data, payloadOffset: manifestEnd + 1 };
}

/** The dump, streamed from after the header. */
export function payloadStream(file: BackupFile): Readable {
  return createReadStream(file.path, { start: file.payloadOffset });
}

/** A file name that sorts by time and says what it holds: mxo-postgres-20261206T213000Z.mxo-backup. */
export function backupFileName(kind: DatabaseKind, at: Date): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return `mxo-${kind}-${stamp}${BACKUP_EXTENSION}`;
}
