import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { DataSource } from "typeorm";
import { Character } from "../../entities/Character.js";
import { Metrics } from "../../src/framework/metrics/metrics.js";
import { CharacterStore, type CharacterSnapshot } from "../../src/framework/persistence/CharacterStore.js";
import { entities } from "../../src/framework/persistence/database.js";
import { migrations } from "../../src/framework/persistence/migrations/index.js";
import { createLogger } from "../../src/framework/util/logger.js";
import { createTestDatabase } from "../helpers/postgres.js";
import { startPgProxy, type PgProxy } from "../helpers/faults.js";
import { PG_ADMIN_URL } from "../helpers/postgres.js";

const log = createLogger("silent");

async function seedCharacter(db: DataSource): Promise<string> {
  const accountId = randomUUID();
  const id = randomUUID();
  await db.query(`INSERT INTO accounts (id, username, password_hash) VALUES ($1, $2, 'x')`, [
    accountId,
    `u${accountId.slice(0, 8)}`,
  ]);
  await db.query(
    `INSERT INTO characters (id, account_id, name, organization, district, x, y, hp, max_hp, stats)
     VALUES ($1, $2, $3, 'zion', 'richland', 0, 0, 100, 100, '{}')`,
    [id, accountId, `c${id.slice(0, 8)}`],
  );
  return id;
}

const at = (id: string, x: number): CharacterSnapshot => ({
  id,
  district: "richland",
  x,
  y: 0,
  z: 0,
  heading: 0,
  hp: 100,
  maxHp: 100,
  level: 1,
  experience: 0,
  stats: { focus: 5, perception: 5, reason: 5, belief: 5, vitality: 5 },
});

/**
 * The fence under every save (src/framework/persistence/CharacterStore.ts), with two
 * stores standing for two processes on one real PostgreSQL database.
 */
describe("CharacterStore: ownership fence (postgres)", function () {
  this.timeout(60_000);
  let drop: () => Promise<void>;
  let url: string;
  const sources: DataSource[] = [];
  let proxy: PgProxy;

  const open = async (through?: PgProxy) => {
    const db = new DataSource({
      type: "postgres",
      url: through ? through.rewrite(url) : url,
      entities,
      migrations,
      synchronize: false,
      extra: { max: 4, connectionTimeoutMillis: 1000 },
    });
    await db.initialize();
    sources.push(db);
    return db;
  };
  const storeOn = (db: DataSource) => new CharacterStore(db, new Metrics(), log, 30);
  const stored = async (db: DataSource, id: string) =>
    ((await db.query(`SELECT x, owner, state_version FROM characters WHERE id = $1`, [id])) as any[])[0];

  before(async () => {
    const test = await createTestDatabase();
    drop = test.drop;
    url = test.url;
    const db = await open();
    await db.runMigrations({ transaction: "each" });
    proxy = await startPgProxy(PG_ADMIN_URL);
  });
  after(async () => {
    for (const db of sources) await db.destroy().catch(() => {});
    await proxy?.close();
    await drop?.();
  });

  it("a claim loads the character; another owner cannot claim it until it is let go", async () => {
    const db = sources[0]!;
    const id = await seedCharacter(db);
    const a = storeOn(db);
    const b = storeOn(db);
    const claimA = await a.claim(id, "pA/s1");
    assert.ok("character" in claimA);
    assert.deepEqual(await b.claim(id, "pB/s1"), { heldBy: "pA/s1" });
    assert.equal(await a.write(at(id, 10), { release: true }), "stored");
    const claimB = await b.claim(id, "pB/s1");
    assert.ok("character" in claimB && claimB.character.x === 10, "B loads exactly what A stored last");
    const row = await stored(db, id);
    assert.equal(row.owner, "pB/s1");
  });

  it("a claim is one statement that loads the character exactly as a repository read does", async () => {
    const db = sources[0]!;
    const id = await seedCharacter(db);
    const a = storeOn(db);
    assert.ok("character" in (await a.claim(id, "pA/s1")));
    const full = { ...at(id, 7.5), experience: 1234, data: { slot: { head: "h1" } }, loadout: ["x", "y"] };
    assert.equal(await a.write(full, { release: true }), "stored");
    const before = await db.getRepository(Character).findOneByOrFail({ id });
    let statements = 0;
    const counting = new Proxy(db, {
      get: (target, key, receiver) =>
        key === "query"
          ? (...args: unknown[]) => (statements++, target.query(...(args as [string, unknown[]])))
          : Reflect.get(target, key, receiver),
    });
    const claim = await new CharacterStore(counting, new Metrics(), log, 30).claim(id, "pB/s1");
    assert.equal(statements, 1);
    assert.ok("character" in claim);
    assert.ok(claim.character instanceof Character);
    assert.deepEqual({ ...claim.character }, { ...before });
  });

  it("a claim that waits for the holder's last save returns that save, not the row before it", async () => {
    const db = sources[0]!;
    const id = await seedCharacter(db);
    // A holder that stopped renewing (so the claim may take it) but is still writing its last save.
    await db.query(
      `UPDATE characters SET owner = 'pA/s1', owner_until = now() - interval '1 second' WHERE id = $1`,
      [id],
    );
    // The holder's release write, in flight: the claim blocks on its row lock until it commits.
    const runner = db.createQueryRunner();
    await runner.startTransaction();
    await runner.query(`UPDATE characters SET x = 42, owner = NULL, owner_until = NULL WHERE id = $1`, [id]);
    const claiming = storeOn(db).claim(id, "pB/s1");
    await new Promise((r) => setTimeout(r, 200));
    await runner.commitTransaction();
    await runner.release();
    const claim = await claiming;
    assert.ok("character" in claim, JSON.stringify(claim));
    assert.equal(claim.character.x, 42);
  });

  it("a stale snapshot from an older session never lands over the newer session's saves", async () => {
    const db = sources[0]!;
    const id = await seedCharacter(db);
    const old = storeOn(db);
    const fresh = storeOn(db);
    assert.ok("character" in (await old.claim(id, "pOld/s1")));
    // Many saves: the old process's version counter runs far ahead.
    for (let x = 1; x <= 20; x++) await old.write(at(id, x));
    // The old owner's process is known dead: the new session takes the character from it.
    assert.ok("character" in (await fresh.claim(id, "pNew/s1", "pOld/s1")));
    let lost = 0;
    old.onLost = () => lost++;
    assert.equal(await old.write(at(id, 999)), "lost");
    assert.equal(lost, 1);
    assert.equal((await stored(db, id)).x, 20);
    // And every save of the new session lands, though its versions are lower.
    for (let x = 100; x <= 103; x++) assert.equal(await fresh.write(at(id, x)), "stored");
    assert.equal((await stored(db, id)).x, 103);
    // Anything the old copy queues from now on is dropped, not written.
    old.enqueue(at(id, 555));
    await old.flush();
    assert.equal((await stored(db, id)).x, 103);
  });

  it("a heartbeat reports a claim another session took", async () => {
    const db = sources[0]!;
    const id = await seedCharacter(db);
    const a = storeOn(db);
    const b = storeOn(db);
    await a.claim(id, "pA/s2");
    assert.deepEqual(await a.heartbeat(), []);
    await b.claim(id, "pB/s2", "pA/s2");
    const lost: string[] = [];
    a.onLost = (c) => lost.push(c);
    assert.deepEqual(await a.heartbeat(), [id]);
    assert.deepEqual(lost, [id]);
  });

  it("during an outage the last save is retried in order until it lands, still releasing", async () => {
    const direct = sources[0]!;
    const id = await seedCharacter(direct);
    const viaProxy = await open(proxy);
    const store = storeOn(viaProxy);
    assert.ok("character" in (await store.claim(id, "pP/s1")));
    await store.write(at(id, 1));
    proxy.cut();
    store.enqueue(at(id, 2));
    const last = store.write(at(id, 3), { release: true });
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal((await stored(direct, id)).x, 1, "nothing written while the database is unreachable");
    proxy.restore();
    assert.equal(await last, "stored");
    const row = await stored(direct, id);
    assert.equal(row.x, 3);
    assert.equal(row.owner, null, "released with the last save");
    assert.equal(store.pendingCount, 0);
  });

  it("a game's own fields (game data) are merged in; fields a game leaves out keep their stored values", async () => {
    const db = sources[0]!;
    const id = await seedCharacter(db);
    const store = storeOn(db);
    assert.ok("character" in (await store.claim(id, "pG/s1")));
    const { hp: _hp, maxHp: _max, level: _level, experience: _xp, stats: _stats, ...position } = at(id, 4);
    assert.equal(await store.write({ ...position, data: { score: 12 } }), "stored");
    assert.equal(await store.write({ ...position, x: 5, data: { it: true } }), "stored");
    const [row] = (await db.query(`SELECT x, hp, level, game_data FROM characters WHERE id = $1`, [
      id,
    ])) as any[];
    assert.equal(row.x, 5);
    assert.deepEqual(row.game_data, { score: 12, it: true });
    assert.equal(row.hp, 100, "hp kept as stored");
    assert.equal(row.level, 1);
    const claim = await storeOn(db).claim(id, "pG/s2", "pG/s1");
    assert.ok("character" in claim && claim.character.gameData.score === 12, "loaded with the character");
  });

  it("a one-shot write (travel) that fails keeps the character owned and leaves nothing queued", async () => {
    const direct = sources[0]!;
    const id = await seedCharacter(direct);
    const viaProxy = await open(proxy);
    const store = storeOn(viaProxy);
    assert.ok("character" in (await store.claim(id, "pT/s1")));
    proxy.cut();
    await assert.rejects(store.write(at(id, 7), { release: true, retry: false }));
    proxy.restore();
    assert.equal(store.pendingCount, 0);
    assert.ok(store.owns(id));
    assert.equal(await store.write(at(id, 8)), "stored");
    const row = await stored(direct, id);
    assert.equal(row.x, 8);
    assert.equal(row.owner, "pT/s1");
  });
});
