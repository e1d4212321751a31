import assert from "node:assert/strict";
import { http, joinDistrict, me, newPlayer, sleep, waitFor } from "../helpers/api.js";
import { ADMIN, startCluster, type TestCluster } from "../helpers/cluster.js";
import { startPgProxy, type PgProxy } from "../helpers/faults.js";
import { figure } from "../helpers/figures.js";
import { walkAndStop } from "../helpers/movement.js";
import { PG_ADMIN_URL, queryDatabase } from "../helpers/postgres.js";

/** Positions travel in 1/8-unit steps (schema/wireDomains.ts). */
const WIRE = 1 / 16 + 1e-9;
/** The outage the issue names: long enough for every lease and retry timer to pass at least once. */
const OUTAGE_MS = 30_000;

/**
 * Real PostgreSQL faults: every process reaches the database through a TCP
 * proxy this test owns, and the test cuts it.
 */
describe("PostgreSQL outage (two processes on Redis, the database behind a proxy the test cuts)", function () {
  this.timeout(240_000);
  let proxy: PgProxy;
  let c: TestCluster;

  before(async () => {
    proxy = await startPgProxy(PG_ADMIN_URL);
    c = await startCluster(2, { AUTOSAVE_SECONDS: "1" }, { databaseUrl: (url) => proxy.rewrite(url) });
  });
  after(async () => {
    proxy?.restore();
    await c?.cleanup();
    await proxy?.close();
  });

  const stored = async (characterId: string) =>
    (
      await queryDatabase<{ x: number; y: number }>(
        c.databaseUrl,
        "SELECT x, y FROM characters WHERE id = $1",
        [characterId],
      )
    )[0]!;

  it("a 30 s outage loses nothing: the last state is stored before anyone loads it, and later saves land", async function () {
    const [p1, p2] = c.servers;
    const p = await newPlayer(p1!.http);
    const first = await joinDistrict(p1!.ws, p, "richland");
    first.room.reconnection.enabled = false;
    await waitFor(() => me(first.room));
    await walkAndStop(first.room, 1, 0, 400, 0);
    await sleep(1500); // an autosave lands before the outage

    proxy.cut();
    const cutAt = Date.now();
    let during: { x: number; y: number };
    try {
      // Progress made during the outage: only this process's memory has it.
      during = await walkAndStop(first.room, 0, 1, 600, 100);
      await first.room.leave();

      // A join meanwhile gets a clear answer, never a hang or someone else's stale copy.
      const refused = await joinDistrict(p2!.ws, p, "richland").then(
        (j) => j,
        (err: Error & { code?: number }) => err,
      );
      assert.ok(refused instanceof Error, "no join while the character's last state is not stored");
      assert.match(refused.message, /unavailable|try again|being saved/i, refused.message);
      assert.doesNotMatch(refused.message, /seat reservation expired/i);

      await sleep(Math.max(0, OUTAGE_MS - (Date.now() - cutAt)));
    } finally {
      proxy.restore();
    }

    // The held state lands first; the rejoin (elsewhere) loads exactly it.
    const restoredAt = Date.now();
    const again = await waitFor(
      () =>
        joinDistrict(p2!.ws, p, "richland").catch(() => undefined) as Promise<
          Awaited<ReturnType<typeof joinDistrict>> | undefined
        >,
      { timeoutMs: 30_000, intervalMs: 500, what: "rejoin after the outage" },
    );
    try {
      const self = await waitFor(() => me(again.room));
      figure(this, `rejoined ${Date.now() - restoredAt} ms after the database came back`);
      assert.ok(
        Math.abs(self.x - during.x) < WIRE && Math.abs(self.y - during.y) < WIRE,
        `rejoined at ${self.x},${self.y}; last state was ${during.x},${during.y}`,
      );
      // The new session's saves are not shadowed by an old snapshot.
      const later = await walkAndStop(again.room, -1, 0, 400, 1000);
      await waitFor(
        async () => {
          const row = await stored(p.characterId);
          return Math.abs(Number(row.x) - later.x) < WIRE && Math.abs(Number(row.y) - later.y) < WIRE;
        },
        { timeoutMs: 10_000, intervalMs: 250, what: "the new session's autosave stored" },
      );
    } finally {
      await again.room.leave();
    }
    const row = await stored(p.characterId);
    assert.ok(Number.isFinite(Number(row.x)));
  });

  it("while the database is down, a join is refused with a clear error, and the same join works after", async () => {
    const [, p2] = c.servers;
    const p = await newPlayer(p2!.http);
    proxy.cut();
    try {
      const res = await joinDistrict(p2!.ws, p, "westview").then(
        () => undefined,
        (err: Error) => err,
      );
      assert.ok(res instanceof Error);
      assert.match(res.message, /unavailable/i, res.message);
      const login = await http(p2!.http, "POST", "/auth/login", { body: ADMIN });
      assert.equal(login.status, 503, JSON.stringify(login.body));
      assert.equal(login.body.error.code, "unavailable");
    } finally {
      proxy.restore();
    }
    const j = await waitFor(
      () =>
        joinDistrict(p2!.ws, p, "westview").catch(() => undefined) as Promise<
          Awaited<ReturnType<typeof joinDistrict>> | undefined
        >,
      { timeoutMs: 20_000, intervalMs: 500, what: "join after the outage" },
    );
    await waitFor(() => me(j.room));
    await j.room.leave();
  });
});
