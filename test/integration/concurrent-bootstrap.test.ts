import assert from "node:assert/strict";
import { loadConfig } from "../../src/framework/config/config.js";
import { openDatabase } from "../../src/framework/persistence/database.js";
import { typeormStores } from "../../src/framework/persistence/typeorm/typeormStores.js";
import { ensureAdmin } from "../../src/framework/server/adminBootstrap.js";
import { createLogger } from "../../src/framework/util/logger.js";
import { http, sleep } from "../helpers/api.js";
import { createTestDatabase, queryDatabase } from "../helpers/postgres.js";
import { startServerProcess, tempDataDir, type ServerHandle } from "../helpers/serverProcess.js";

const PROCESSES = 4;
const ADMIN = { username: "Boot_Admin", password: "first admin password" };

interface AdminRow {
  id: string;
  username: string;
  roles: string[];
  token_version: number;
}

/**
 * Several processes started at once on one fresh PostgreSQL database (a
 * Kubernetes rollout, pm2 -i N): migrations, the shared secrets and the
 * ADMIN_USERNAME account are all created by whichever process gets there
 * first, and none of the others may crash on what it created.
 */
describe("bootstrap with several processes starting at once on one database", function () {
  this.timeout(240_000);
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const dirs: { remove(): void }[] = [];
  let servers: ServerHandle[] = [];

  before(async () => (db = await createTestDatabase()));
  after(async () => {
    await Promise.all(servers.map((s) => s.stop("SIGKILL")));
    await db?.drop();
    for (const d of dirs) d.remove();
  });

  /** Starts PROCESSES servers at the same moment; every start must succeed. */
  async function startAll(admin: { username: string; password: string }): Promise<ServerHandle[]> {
    const starts = await Promise.allSettled(
      Array.from({ length: PROCESSES }, () => {
        const data = tempDataDir();
        dirs.push(data);
        // No JWT_SECRET: the processes must also agree on the one the first of them generates.
        return startServerProcess(
          {
            DATABASE_URL: db.url,
            DATA_DIR: data.dir,
            ADMIN_USERNAME: admin.username,
            ADMIN_PASSWORD: admin.password,
          },
          { timeoutMs: 120_000 },
        );
      }),
    );
    const started = starts.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    servers.push(...started);
    const failed = starts.flatMap((s) => (s.status === "rejected" ? [String(s.reason)] : []));
    assert.deepEqual(failed, [], `${failed.length} of ${PROCESSES} processes failed to start`);
    return started;
  }

  async function adminRows(): Promise<AdminRow[]> {
    return queryDatabase<AdminRow>(
      db.url,
      `SELECT id, username, roles, token_version FROM accounts WHERE lower(username) = lower($1)`,
      [ADMIN.username],
    );
  }

  async function assertAllServing(started: ServerHandle[]): Promise<void> {
    // A process that crashed right after its listening line (a late startup failure) shows here.
    await sleep(1000);
    for (const s of started) {
      assert.equal(s.proc.exitCode, null, `process on :${s.port} exited:\n${s.lines.slice(-10).join("\n")}`);
      const ready = await http(s.http, "GET", "/ready");
      assert.equal(ready.status, 200, `/ready on :${s.port}: ${JSON.stringify(ready.body)}`);
    }
  }

  it("all start, one admin account exists, and it logs in on every process", async () => {
    const started = await startAll(ADMIN);
    await assertAllServing(started);

    const rows = await adminRows();
    assert.equal(rows.length, 1, `admin accounts: ${JSON.stringify(rows)}`);
    assert.ok(rows[0]!.roles.includes("super_admin"));
    const created = started.flatMap((s) => s.lines.filter((l) => l.includes('"admin account created"')));
    assert.equal(created.length, 1, "exactly one process created the admin account");

    const tokens: string[] = [];
    for (const s of started) {
      const login = await http(s.http, "POST", "/auth/login", { body: ADMIN });
      assert.equal(login.status, 200, `login on :${s.port}: ${JSON.stringify(login.body)}`);
      assert.ok(login.body.roles.includes("super_admin"));
      tokens.push(login.body.token as string);
    }
    // One JWT secret for all: a token from the first process is good on the last.
    const me = await http(started[PROCESSES - 1]!.http, "GET", "/api/v1/admin/me", { token: tokens[0] });
    assert.equal(me.status, 200, JSON.stringify(me.body));
    assert.equal(me.body.accountId, rows[0]!.id);
  });

  it("restarted together with a new ADMIN_PASSWORD: still one account, updated once", async () => {
    const [before] = await adminRows();
    await Promise.all(servers.map((s) => s.stop("SIGTERM")));
    servers = [];
    const changed = { ...ADMIN, password: "second admin password" };
    const started = await startAll(changed);
    await assertAllServing(started);

    const rows = await adminRows();
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.id, before!.id, "the same account, not a new one");
    // The password changed once, so sessions under the old one ended once: one process updated it.
    assert.equal(rows[0]!.token_version, before!.token_version + 1);
    const updated = started.flatMap((s) => s.lines.filter((l) => l.includes('"admin account updated"')));
    assert.equal(updated.length, 1, "exactly one process updated the admin account");

    const old = await http(started[0]!.http, "POST", "/auth/login", { body: ADMIN });
    assert.equal(old.status, 401);
    const login = await http(started[1]!.http, "POST", "/auth/login", { body: changed });
    assert.equal(login.status, 200, JSON.stringify(login.body));
  });

  it("ensureAdmin on its own, without the lock, survives racing itself: one account, no error", async () => {
    const other = await createTestDatabase();
    const db = await openDatabase(loadConfig({ DATABASE_URL: other.url }), createLogger("silent"));
    try {
      const accounts = typeormStores(db.dataSource).accounts;
      const admin = { username: "Racing_Admin", password: "racing admin password" };
      // All check at once, find nothing, and insert: all but one insert lose on the unique index.
      await Promise.all(
        Array.from({ length: 6 }, () => ensureAdmin(accounts, admin, createLogger("silent"))),
      );
      const rows = await queryDatabase<AdminRow>(
        other.url,
        `SELECT id, username, roles, token_version FROM accounts WHERE lower(username) = lower($1)`,
        [admin.username],
      );
      assert.equal(rows.length, 1);
      assert.deepEqual(rows[0]!.roles, ["super_admin"]);
      assert.equal(rows[0]!.token_version, 0, "the losers found the password already right");
    } finally {
      await db.close();
      await other.drop();
    }
  });
});
