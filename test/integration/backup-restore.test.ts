import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { DataSource } from "typeorm";
import { loadConfig } from "../../src/framework/config/config.js";
import { LedgerService } from "../../src/framework/economy/LedgerService.js";
import { entities, openDatabase } from "../../src/framework/persistence/database.js";
import { migrations } from "../../src/framework/persistence/migrations/index.js";
import { TypeormLedgerStore } from "../../src/framework/persistence/typeorm/TypeormLedgerStore.js";
import { createLogger } from "../../src/framework/util/logger.js";
import { http, joinDistrict, me, newPlayer, waitFor } from "../helpers/api.js";
import { walkAndStop } from "../helpers/movement.js";
import { createTestDatabase, queryDatabase } from "../helpers/postgres.js";
import { startServerProcess, tempDataDir, type ServerHandle } from "../helpers/serverProcess.js";
import { DB_MODES } from "../helpers/servers.js";

const ROOT = resolve(import.meta.dirname, "../..");
const ADMIN = { username: "backup_admin", password: "admin password 123" };
/** Positions travel in 1/8-unit steps (schema/wireDomains.ts). */
const WIRE = 1 / 16 + 1e-9;

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The operator's command, `npm run backup|restore -- …`, as its own process with only the given environment. */
function cli(args: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/framework/ops/backupCli.ts", ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", LOG_LEVEL: "silent", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.once("error", rej);
    child.once("exit", (code) => res({ code, stdout, stderr }));
  });
}

function ok(run: CliRun): CliRun {
  assert.equal(run.code, 0, `exit ${run.code}\n${run.stdout}\n${run.stderr}`);
  return run;
}

function refused(run: CliRun, code: string): CliRun {
  assert.equal(run.code, 1, `expected a refusal, got exit ${run.code}\n${run.stdout}\n${run.stderr}`);
  assert.match(run.stderr, new RegExp(`refused \\(${code}\\)`), run.stderr);
  return run;
}

const manifestOf = (file: string) => JSON.parse(readFileSync(file, "utf8").split("\n", 2)[1]!);

async function adminCommand(base: string, token: string, command: string, ...args: string[]) {
  const res = await http(base, "POST", "/api/v1/admin/commands", { token, body: { command, args } });
  assert.equal(res.status, 200, `${command} ${args.join(" ")}: ${JSON.stringify(res.body)}`);
  return res.body;
}

async function adminToken(base: string): Promise<string> {
  const res = await http(base, "POST", "/auth/login", { body: ADMIN });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.token;
}

for (const mode of DB_MODES) {
  describe(`backup and restore (${mode} database)`, function () {
    this.timeout(480_000);
    let data: ReturnType<typeof tempDataDir>;
    let db: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
    let env: Record<string, string>;
    let server: ServerHandle | undefined;

    before(async () => {
      data = tempDataDir();
      db = mode === "postgres" ? await createTestDatabase() : undefined;
      env = {
        DATA_DIR: join(data.dir, "server"),
        ...(db ? { DATABASE_URL: db.url } : {}),
        ADMIN_USERNAME: ADMIN.username,
        ADMIN_PASSWORD: ADMIN.password,
        AUTOSAVE_SECONDS: "1",
      };
    });
    after(async () => {
      await server?.stop("SIGKILL");
      await db?.drop();
      data?.remove();
    });

    it("back up, wipe, restore, log in: the same character, inventory and ledger balance", async () => {
      server = await startServerProcess(env, { timeoutMs: 120_000 });
      const player = await newPlayer(server.http);
      const played = await joinDistrict(server.ws, player);
      await waitFor(() => me(played.room), { what: "own player" });
      const left = await walkAndStop(played.room, 1, 0.5, 600, 0);
      const admin = await adminToken(server.http);
      // Items and Information through the ledger, both ways, while the character plays.
      await adminCommand(server.http, admin, "give", player.characterName, "w-katana", "3");
      await adminCommand(server.http, admin, "give", player.characterName, "c-black-trench", "1");
      await adminCommand(server.http, admin, "give", player.characterName, "currency", "250");
      await adminCommand(server.http, admin, "take", player.characterName, "w-katana", "1");
      await adminCommand(server.http, admin, "take", player.characterName, "currency", "40");
      await played.room.leave();
      const before = (await adminCommand(server.http, admin, "inspect", player.characterName)).data;
      assert.deepEqual(before.inventory, [
        { itemId: "c-black-trench", quantity: 1 },
        { itemId: "w-katana", quantity: 2 },
      ]);
      assert.equal(before.currency, 210);

      const file = join(data.dir, "nightly.mxo-backup");
      if (mode === "embedded") {
        // A copy of a live PGlite's files is no database: refused while the server runs.
        refused(await cli(["backup", "--out", file], env), "server_running");
      }
      assert.equal(await server.stop("SIGTERM"), 0);
      const backupStarted = Date.now();
      assert.match(
        ok(await cli(["backup", "--out", file], env)).stdout,
        /backup written: .*nightly\.mxo-backup/,
      );
      const manifest = manifestOf(file);
      assert.equal(manifest.kind, mode);
      assert.equal(manifest.latestMigration, new migrations[migrations.length - 1]!().name);
      const createdAt = Date.parse(manifest.createdAt);
      assert.ok(createdAt >= backupStarted && createdAt <= Date.now(), manifest.createdAt);
      assert.equal(typeof manifest.appVersion, "string");

      // The disaster: the database is gone.
      if (db) await db.drop();
      else rmSync(env.DATA_DIR!, { recursive: true, force: true });

      assert.match(ok(await cli(["restore", file], env)).stdout, /restored .* \(/);

      // The ledger agrees with the inventory and the balance, entry by entry.
      const restored = await openDatabase(loadConfig(env), createLogger("silent"));
      try {
        const ledger = new LedgerService(new TypeormLedgerStore(restored.dataSource));
        assert.deepEqual(await ledger.verifyLedger(player.characterId), { ok: true, mismatches: [] });
        assert.equal(await ledger.balance(player.characterId), 210);
        assert.deepEqual(await ledger.inventory(player.characterId), before.inventory);
      } finally {
        await restored.close();
      }

      server = await startServerProcess(env, { timeoutMs: 120_000 });
      const login = await http(server.http, "POST", "/auth/login", {
        body: { username: player.username, password: player.password },
      });
      assert.equal(login.status, 200, JSON.stringify(login.body));
      const roster = await http(server.http, "GET", "/characters", { token: login.body.token });
      assert.deepEqual(
        roster.body.map((c: { id: string; name: string }) => [c.id, c.name]),
        [[player.characterId, player.characterName]],
      );
      const again = await joinDistrict(server.ws, { ...player, token: login.body.token });
      try {
        const self = await waitFor(() => me(again.room), { what: "own player after the restore" });
        assert.ok(
          Math.abs(self.x - left.x) < WIRE && Math.abs(self.y - left.y) < WIRE,
          `${self.x},${self.y} vs ${left.x},${left.y}`,
        );
      } finally {
        await again.room.leave();
      }
      const after = (
        await adminCommand(server.http, await adminToken(server.http), "inspect", player.characterName)
      ).data;
      assert.deepEqual(after.inventory, before.inventory);
      assert.equal(after.currency, before.currency);
      assert.equal(after.level, before.level);
      assert.equal(await server.stop("SIGTERM"), 0);
    });
  });
}

describe("restore refusals and forward migration (postgres database)", function () {
  this.timeout(300_000);
  let data: ReturnType<typeof tempDataDir>;
  const dropLater: Array<() => Promise<void>> = [];
  let server: ServerHandle | undefined;

  /** A database of the test's own, migrated up to `upTo` migrations, with one account in it. */
  async function migratedDatabase(upTo = migrations.length) {
    const test = await createTestDatabase();
    dropLater.push(test.drop);
    const ds = new DataSource({
      type: "postgres",
      url: test.url,
      entities,
      migrations: migrations.slice(0, upTo),
    });
    await ds.initialize();
    try {
      await ds.runMigrations({ transaction: "each" });
      await ds.query(
        `INSERT INTO accounts (id, username, password_hash) VALUES (gen_random_uuid(), 'kept', 'x')`,
      );
    } finally {
      await ds.destroy();
    }
    return test;
  }
  async function emptyDatabase() {
    const test = await createTestDatabase();
    dropLater.push(test.drop);
    return test;
  }
  const usernames = async (url: string) =>
    (await queryDatabase<{ username: string }>(url, "SELECT username FROM accounts ORDER BY username")).map(
      (r) => r.username,
    );
  const backupOf = async (url: string, name: string) => {
    const file = join(data.dir, name);
    ok(await cli(["backup", "--out", file], { DATABASE_URL: url, DATA_DIR: data.dir }));
    return file;
  };

  before(() => {
    data = tempDataDir();
  });
  after(async () => {
    await server?.stop("SIGKILL");
    for (const drop of dropLater) await drop();
    data?.remove();
  });

  it("refuses a non-empty target without --force; --force replaces what is there", async () => {
    const source = await migratedDatabase();
    const file = await backupOf(source.url, "a.mxo-backup");
    await queryDatabase(
      source.url,
      "INSERT INTO accounts (id, username, password_hash) VALUES (gen_random_uuid(), 'later', 'x')",
    );
    const run = refused(await cli(["restore", file], { DATABASE_URL: source.url }), "target_not_empty");
    assert.match(run.stderr, /--force/);
    assert.deepEqual(await usernames(source.url), ["kept", "later"], "nothing changed");
    ok(await cli(["restore", file, "--force"], { DATABASE_URL: source.url }));
    assert.deepEqual(await usernames(source.url), ["kept"], "the backup's data, and only it");
  });

  it("refuses a backup of the other kind of database", async () => {
    const source = await migratedDatabase();
    const file = await backupOf(source.url, "b.mxo-backup");
    const run = refused(
      await cli(["restore", file], { DATA_DIR: join(data.dir, "embedded") }),
      "kind_mismatch",
    );
    assert.match(run.stderr, /set DATABASE_URL/);
  });

  it("refuses a schema newer than the code, leaving the target empty", async () => {
    const source = await migratedDatabase();
    await queryDatabase(
      source.url,
      "INSERT INTO migrations (timestamp, name) VALUES (9999999999999, 'FromTheFuture9999999999999')",
    );
    const file = await backupOf(source.url, "c.mxo-backup");
    assert.equal(manifestOf(file).latestMigration, "FromTheFuture9999999999999");
    const target = await emptyDatabase();
    const run = refused(await cli(["restore", file], { DATABASE_URL: target.url }), "schema_newer");
    assert.match(run.stderr, /FromTheFuture9999999999999/);
    const tables = await queryDatabase(target.url, "SELECT 1 FROM pg_tables WHERE schemaname = 'public'");
    assert.equal(tables.length, 0);
  });

  it("restores an older backup into a database it creates; the server migrates it forward on start", async () => {
    const source = await migratedDatabase(migrations.length - 1);
    const file = await backupOf(source.url, "d.mxo-backup");
    const newest = new migrations[migrations.length - 1]!().name;
    const target = await emptyDatabase();
    await target.drop(); // restore creates the database DATABASE_URL names
    const run = ok(await cli(["restore", file], { DATABASE_URL: target.url }));
    assert.match(run.stdout, new RegExp(`migrates it forward on its next start: ${newest}`));
    server = await startServerProcess(
      { DATABASE_URL: target.url, DATA_DIR: data.dir },
      { timeoutMs: 120_000 },
    );
    const applied = await queryDatabase<{ name: string }>(
      target.url,
      "SELECT name FROM migrations ORDER BY id",
    );
    assert.deepEqual(
      applied.map((r) => r.name),
      migrations.map((M) => new M().name),
    );
    assert.deepEqual(await usernames(target.url), ["kept"]);
    assert.equal(await server.stop("SIGTERM"), 0);
  });
});
