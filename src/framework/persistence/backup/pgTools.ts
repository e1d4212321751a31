import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { BackupError } from "./BackupError.js";

/** A PostgreSQL client program (pg_dump, pg_restore) and the major version it belongs to. */
export interface PgTool {
  path: string;
  major: number;
  /** As it reports itself: "pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)". */
  version: string;
}

/**
 * Finds `name` for a server of `serverMajor`: in `binDir` when the operator
 * names one, else Debian's per-version directory (/usr/lib/postgresql/N/bin,
 * where several client versions live side by side), else on PATH.
 */
export function findPgTool(name: "pg_dump" | "pg_restore", serverMajor: number, binDir?: string): PgTool {
  const candidates = binDir
    ? [join(binDir, name)]
    : [join("/usr/lib/postgresql", String(serverMajor), "bin", name), name];
  for (const path of candidates) {
    if (path.includes("/") && !existsSync(path)) continue;
    let version: string;
    try {
      version = execFileSync(path, ["--version"], { encoding: "utf8" }).trim();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw err;
    }
    const major = Number(/\(PostgreSQL\)\s+(\d+)/.exec(version)?.[1]);
    if (!Number.isInteger(major))
      throw new BackupError("tool_version", `cannot read ${path}'s version: "${version}"`);
    return { path, major, version };
  }
  throw new BackupError(
    "tool_missing",
    `${name} was not found${binDir ? ` in ${binDir}` : ""}: install the PostgreSQL ${serverMajor} client ` +
      `(Debian/Ubuntu: apt-get install postgresql-client-${serverMajor}) or pass --pg-bin DIR`,
  );
}

/**
 * The connection for a client program: the URL without its password (a
 * command line is visible to every user in `ps`), the password in
 * PGPASSWORD, where libpq reads it.
 */
export function pgConnection(databaseUrl: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const url = new URL(databaseUrl);
  const password = decodeURIComponent(url.password);
  url.password = "";
  return {
    dbname: url.toString(),
    // Not configuration: the child inherits the environment as any child would
    // (PATH, locale, PGSSLROOTCERT and friends the operator set), plus the password.
    // eslint-disable-next-line no-restricted-properties
    env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) },
  };
}

/** The database's name in a postgres:// URL, without the slash. */
export function databaseName(databaseUrl: string): string {
  return decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, "")) || "postgres";
}

/**
 * Runs a client program; `stdin` feeds it, `onStdout` takes its output.
 * Resolves when it exits 0, and otherwise rejects with its last stderr lines:
 * pg_dump and pg_restore say precisely what failed.
 */
export function runPgTool(
  tool: PgTool,
  args: string[],
  opts: { env: NodeJS.ProcessEnv; stdin?: Readable; onStdout?: (out: Readable) => Promise<void> },
  failure: "dump_failed" | "restore_failed",
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool.path, args, {
      env: opts.env,
      stdio: [opts.stdin ? "pipe" : "ignore", opts.onStdout ? "pipe" : "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    if (opts.stdin) {
      // pg_restore stops reading when it fails: a broken pipe then is its error, reported on exit.
      child.stdin!.on("error", () => {});
      opts.stdin.on("error", (err) => child.kill() && reject(err));
      opts.stdin.pipe(child.stdin!);
    }
    const consumed = opts.onStdout ? opts.onStdout(child.stdout!) : Promise.resolve();
    const exited = new Promise<number | null>((res, rej) => {
      child.once("error", rej);
      child.once("exit", (code) => res(code));
    });
    Promise.all([consumed, exited]).then(
      ([, code]) =>
        code === 0
          ? resolve()
          : reject(
              new BackupError(failure, `${tool.path} exited with ${code}: ${stderr.trim() || "(no output)"}`),
            ),
      (err: unknown) => {
        child.kill();
        reject(
          err instanceof BackupError
            ? err
            : new BackupError(failure, `${tool.path} failed: ${(err as Error).message}`, { cause: err }),
        );
      },
    );
  });
}
