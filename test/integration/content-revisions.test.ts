import assert from "node:assert/strict";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../../src/framework/config/config.js";
import { canonicalJson, ContentRevisions, contentSha256 } from "../../src/mxo/content/ContentRevisions.js";
import { loadContentPack, readContentPackFiles } from "../../src/mxo/content/loadContentPack.js";
import { openDatabase, type Database } from "../../src/framework/persistence/database.js";
import { TypeormContentRevisionStore } from "../../src/framework/persistence/typeorm/TypeormContentRevisionStore.js";
import { AppError } from "../../src/framework/util/errors.js";
import { createLogger } from "../../src/framework/util/logger.js";
import { createTestDatabase } from "../helpers/postgres.js";
import { tempDataDir } from "../helpers/serverProcess.js";

const CONTENT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../content");
const JWT_SECRET = "content-revisions-test-secret-0123456789";

/** The starter pack as read from disk, before validation (what an upload would send). */
function starterRaw(): Record<string, unknown> {
  const { raw, issues } = readContentPackFiles(CONTENT_DIR);
  assert.deepEqual(issues, []);
  return raw;
}

/** The starter pack with the punk renamed to `name`. */
function renamed(name: string): Record<string, unknown> {
  const raw = structuredClone(starterRaw()) as any;
  raw.npcs.find((n: any) => n.id === "rl-la-punk").name = name;
  return raw;
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof AppError, `an AppError, got ${String(err)}`);
    return err;
  }
  assert.fail("expected a rejection");
}

const BACKENDS = ["postgres", "embedded"] as const;

for (const backend of BACKENDS) {
  describe(`content: ContentRevisions (${backend} database)`, function () {
    this.timeout(120_000);
    let db: Database;
    let revisions: ContentRevisions;
    const cleanups: (() => Promise<void> | void)[] = [];

    const count = async (table: string): Promise<number> => {
      const rows = (await db.dataSource.query(`SELECT count(*)::int AS n FROM ${table}`)) as { n: number }[];
      return Number(rows[0]!.n);
    };
    const deployment = async (): Promise<{ revision: number | null; history: number[] }> => {
      const rows = (await db.dataSource.query(
        `SELECT revision, array_to_string(history, ',') AS history FROM content_deployment WHERE id = 1`,
      )) as { revision: number | null; history: string }[];
      if (rows.length === 0) return { revision: null, history: [] };
      const h = rows[0]!.history;
      return {
        revision: rows[0]!.revision === null ? null : Number(rows[0]!.revision),
        history: h === "" ? [] : h.split(",").map(Number),
      };
    };

    before(async () => {
      const data = tempDataDir();
      cleanups.push(() => data.remove());
      const env: Record<string, string> = { DATA_DIR: data.dir, JWT_SECRET };
      if (backend === "postgres") {
        const test = await createTestDatabase();
        cleanups.push(() => test.drop());
        env.DATABASE_URL = test.url;
      }
      // The real migrations, as the server runs them.
      db = await openDatabase(loadConfig(env), createLogger("silent"));
      cleanups.unshift(() => db.close());
      revisions = new ContentRevisions(new TypeormContentRevisionStore(db.dataSource));
    });
    after(async () => {
      for (const cleanup of cleanups) await cleanup();
    });

    it("refuses a broken pack with every problem listed, storing nothing", async () => {
      const raw = structuredClone(starterRaw()) as any;
      const punk = raw.npcs.findIndex((n: any) => n.id === "rl-la-punk");
      const lookout = raw.npcs.findIndex((n: any) => n.id === "rl-la-lookout");
      raw.npcs[punk].hp = -5;
      raw.npcs[lookout].lootTable = "lt-nowhere";

      const err = await rejection(revisions.create(raw, "tester", "broken"));
      assert.equal(err.code, "invalid_content");
      assert.equal(err.status, 400);
      const issues = (err.details as { issues: { file: string; path: string; message: string }[] }).issues;
      assert.equal(issues.length, 2, JSON.stringify(issues));
      const hp = issues.find((i) => i.path === `npcs.${punk}.hp`);
      const loot = issues.find((i) => i.path === `npcs.${lookout}.lootTable`);
      assert.ok(hp, "the negative hp");
      assert.ok(loot, "the dangling loot table");
      assert.equal(hp.file, "npcs.json");
      assert.match(loot.message, /lt-nowhere/);
      assert.ok(err.message.includes(`npcs.${punk}.hp`) && err.message.includes("lt-nowhere"), err.message);

      const notAPack = await rejection(revisions.create("nonsense", "tester"));
      assert.equal(notAPack.code, "invalid_content");

      assert.equal(await count("content_revisions"), 0);
      assert.equal(await count("content_deployment"), 0);
      assert.deepEqual(await revisions.list(), []);
      assert.equal(await revisions.active(), null);
    });

    it("stores the starter pack and reads it back equal", async () => {
      const expected = loadContentPack(CONTENT_DIR);
      const { revision, sha256 } = await revisions.create(starterRaw(), "tester", "starter pack");
      assert.ok(Number.isInteger(revision) && revision >= 1);
      assert.match(sha256, /^[0-9a-f]{64}$/);
      assert.equal(sha256, contentSha256(expected));

      const back = await revisions.get(revision);
      assert.deepEqual(back.toJSON(), expected.toJSON());
      assert.equal(contentSha256(back), sha256);
      assert.equal(back.npc("rl-la-punk")?.name, "Lost Angel Punk");

      // The stored body is the validated pack's JSON (defaults filled in), hashed canonically.
      const rows = (await db.dataSource.query(`SELECT pack FROM content_revisions WHERE revision = $1`, [
        revision,
      ])) as { pack: unknown }[];
      const stored = typeof rows[0]!.pack === "string" ? JSON.parse(rows[0]!.pack) : rows[0]!.pack;
      assert.equal(canonicalJson(stored), canonicalJson(expected.toJSON()));

      // The same pack uploaded as a ContentPack gets the same hash.
      const again = await revisions.create(expected, "tester");
      assert.equal(again.sha256, sha256);
      assert.ok(again.revision > revision);

      const list = await revisions.list();
      assert.deepEqual(
        list.map((r) => r.revision),
        [again.revision, revision],
        "newest first",
      );
      const first = list.find((r) => r.revision === revision)!;
      assert.deepEqual(Object.keys(first).sort(), [
        "active",
        "createdAt",
        "createdBy",
        "deployedAt",
        "note",
        "revision",
        "sha256",
      ]);
      assert.equal(first.note, "starter pack");
      assert.equal(first.createdBy, "tester");
      assert.ok(first.createdAt instanceof Date && !Number.isNaN(first.createdAt.getTime()));
      assert.equal(first.deployedAt, null);
      assert.equal(first.active, false);
      assert.equal(list.find((r) => r.revision === again.revision)!.note, "");

      assert.equal((await rejection(revisions.get(999_999))).status, 404);
      assert.equal((await rejection(revisions.get(0))).status, 404);
    });

    it("deploys, rolls back, and refuses what it cannot do", async () => {
      const nothing = await rejection(revisions.rollback("gm"));
      assert.equal(nothing.status, 409);
      assert.equal(nothing.code, "nothing_to_roll_back");
      const unknown = await rejection(revisions.deploy(999_999, "gm"));
      assert.equal(unknown.status, 404);
      assert.equal(unknown.code, "not_found");
      assert.equal(await revisions.active(), null);

      const r1 = (await revisions.create(renamed("Punk One"), "gm", "one")).revision;
      const r2 = (await revisions.create(renamed("Punk Two"), "gm", "two")).revision;
      const r3 = (await revisions.create(renamed("Punk Three"), "gm", "three")).revision;

      assert.deepEqual(await revisions.deploy(r1, "gm"), { revision: r1, previous: null });
      let active = await revisions.active();
      assert.equal(active?.revision, r1);
      assert.equal(active?.pack.npc("rl-la-punk")?.name, "Punk One");
      // The first deploy had nothing before it.
      assert.equal((await rejection(revisions.rollback("gm"))).code, "nothing_to_roll_back");

      assert.deepEqual(await revisions.deploy(r2, "gm"), { revision: r2, previous: r1 });
      assert.deepEqual(await revisions.deploy(r3, "gm"), { revision: r3, previous: r2 });
      assert.deepEqual(await deployment(), { revision: r3, history: [r1, r2] });
      const list = await revisions.list();
      assert.deepEqual(
        list.filter((r) => r.active).map((r) => r.revision),
        [r3],
      );
      for (const r of [r1, r2, r3]) assert.ok(list.find((x) => x.revision === r)!.deployedAt instanceof Date);

      // Deploying what is active changes nothing.
      assert.deepEqual(await revisions.deploy(r3, "gm"), { revision: r3, previous: r3 });
      assert.deepEqual(await deployment(), { revision: r3, history: [r1, r2] });

      assert.deepEqual(await revisions.rollback("gm"), { revision: r2, previous: r3 });
      active = await revisions.active();
      assert.equal(active?.revision, r2);
      assert.equal(active?.pack.npc("rl-la-punk")?.name, "Punk Two");
      assert.deepEqual(await revisions.rollback("lead"), { revision: r1, previous: r2 });
      assert.deepEqual(await deployment(), { revision: r1, history: [] });
      assert.equal((await rejection(revisions.rollback("gm"))).status, 409);
      assert.equal((await revisions.active())?.revision, r1);
      const by = (await db.dataSource.query(`SELECT deployed_by FROM content_deployment WHERE id = 1`)) as {
        deployed_by: string;
      }[];
      assert.equal(by[0]!.deployed_by, "lead");

      // A refused deploy changed nothing.
      await rejection(revisions.deploy(999_999, "gm"));
      assert.deepEqual(await deployment(), { revision: r1, history: [] });
    });

    it("concurrent deploys end consistent: one order, every previous revision in the history", async () => {
      const before = await deployment();
      assert.notEqual(before.revision, null);
      const pack = loadContentPack(CONTENT_DIR);
      const targets: number[] = [];
      for (let i = 0; i < 8; i++) targets.push((await revisions.create(pack, "gm", `c${i}`)).revision);

      const results = await Promise.all(targets.map((r) => revisions.deploy(r, `gm${r}`)));

      // Each deploy saw the one committed just before it: the results form one chain.
      let current = before.revision;
      const chain: number[] = [];
      const left = [...results];
      while (left.length > 0) {
        const at = left.findIndex((r) => r.previous === current);
        assert.ok(at >= 0, `a deploy following ${current} in ${JSON.stringify(results)}`);
        chain.push(current!);
        current = left[at]!.revision;
        left.splice(at, 1);
      }
      const after = await deployment();
      assert.equal(after.revision, current);
      assert.deepEqual(after.history, [...before.history, ...chain]);
      assert.equal((await revisions.active())?.revision, current);
      assert.deepEqual(
        (await revisions.list()).filter((r) => r.active).map((r) => r.revision),
        [current],
      );

      // Concurrent rollbacks pop one each, then run out.
      const depth = after.history.length;
      const pops = await Promise.allSettled(
        Array.from({ length: depth + 2 }, () => revisions.rollback("gm")),
      );
      const done = pops.filter((p) => p.status === "fulfilled");
      const refused = pops.filter((p): p is PromiseRejectedResult => p.status === "rejected");
      assert.equal(done.length, depth);
      assert.equal(refused.length, 2);
      for (const r of refused) assert.equal((r.reason as AppError).code, "nothing_to_roll_back");
      assert.deepEqual(await deployment(), { revision: after.history[0] ?? null, history: [] });
    });
  });
}
