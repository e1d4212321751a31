import assert from "node:assert/strict";
import { Client, type Room } from "@colyseus/sdk";
import { http, joinDistrict, me, newPlayer, sleep, waitFor, type TestPlayer } from "../helpers/api.js";
import { ADMIN, processIdOf, startCluster, type TestCluster } from "../helpers/cluster.js";
import { figure } from "../helpers/figures.js";
import { walkAndStop } from "../helpers/movement.js";
import { queryDatabase } from "../helpers/postgres.js";
import type { ServerHandle } from "../helpers/serverProcess.js";

/** Positions travel in 1/8-unit steps (schema/wireDomains.ts): what a client sees is within half a step of what is saved. */
const WIRE = 1 / 16 + 1e-9;

async function adminToken(base: string): Promise<string> {
  return (await http(base, "POST", "/auth/login", { body: ADMIN })).body.token;
}

async function roomsOf(server: ServerHandle, token: string): Promise<any[]> {
  return (await http(server.http, "GET", "/api/v1/admin/districts", { token })).body as any[];
}

/**
 * Players spread over the cluster until `victim` hosts at least one room with
 * players in it; returns the players seated on the victim's rooms.
 */
async function playersOn(c: TestCluster, victim: ServerHandle, token: string, n: number) {
  const seated: { p: TestPlayer; client: Client; room: Room<any>; district: string }[] = [];
  const districts = ["richland", "westview", "downtown", "international"];
  for (let i = 0; seated.length < n && i < 24; i++) {
    const district = districts[i % districts.length]!;
    const p = await newPlayer(victim.http);
    const j = await joinDistrict(victim.ws, p, district);
    const room = (await roomsOf(victim, token)).find((r) => r.roomId === j.room.roomId);
    if (room?.processId === processIdOf(victim)) seated.push({ p, ...j, district });
    else await j.room.leave();
  }
  assert.ok(seated.length >= 1, "some players landed on the victim process");
  return seated;
}

/** Items whose ledger sum differs from what the character holds (currency included). */
async function ledgerMismatches(url: string, characterId: string): Promise<unknown[]> {
  return queryDatabase(
    url,
    `WITH ledger AS (SELECT item_id, sum(quantity) AS total FROM ledger_entries WHERE character_id = $1 GROUP BY item_id),
          held AS (SELECT item_id, quantity::bigint AS total FROM inventory_items WHERE character_id = $1
                   UNION ALL SELECT 'currency', currency FROM characters WHERE id = $1)
     SELECT coalesce(l.item_id, h.item_id) AS item, l.total AS ledger, h.total AS held
       FROM ledger l FULL JOIN held h ON h.item_id = l.item_id
      WHERE coalesce(l.total, 0) <> coalesce(h.total, 0)`,
    [characterId],
  );
}

describe("draining and crashes across processes", function () {
  this.timeout(120_000);
  let c: TestCluster;
  let token: string;

  before(async () => {
    c = await startCluster(3, { AUTOSAVE_SECONDS: "1", RECONNECT_GRACE_SECONDS: "0" });
    token = await adminToken(c.servers[0]!.http);
  });
  after(async () => c?.cleanup());

  it("POST /api/v1/admin/drain: not ready, clients closed with 4120, they rejoin elsewhere with their state", async () => {
    const victim = c.servers[1]!;
    const seated = await playersOn(c, victim, token, 3);
    const closed: number[] = [];
    const positions = new Map<string, { x: number; y: number }>();
    for (const s of seated) {
      s.room.reconnection.enabled = false;
      s.room.onLeave((code: number) => closed.push(code));
      await waitFor(() => me(s.room));
      positions.set(s.p.characterId, await walkAndStop(s.room, 0, 1, 300, 0));
    }
    // Players only, never a player's token.
    assert.equal(
      (await http(victim.http, "POST", "/api/v1/admin/drain", { token: seated[0]!.p.token })).status,
      403,
    );

    const res = await http(victim.http, "POST", "/api/v1/admin/drain", { token });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.status, "drained");
    assert.equal(res.body.processId, processIdOf(victim));
    await waitFor(() => closed.length === seated.length, { what: "all clients closed" });
    assert.ok(
      closed.every((code) => code === 4120),
      `close codes ${closed}`,
    );
    const ready = await http(victim.http, "GET", "/ready");
    assert.equal(ready.status, 503);
    assert.equal(ready.body.checks.accepting, "draining");
    assert.equal(victim.proc.exitCode, null, "drain keeps the process up for the orchestrator to stop");
    // Its rooms are gone from the shared listing.
    const rooms = await roomsOf(c.servers[0]!, token);
    assert.ok(
      !rooms.some((r) => r.processId === processIdOf(victim)),
      "no rooms left on the drained process",
    );

    // Each client joins again (through a live process, as a load balancer would send it).
    const survivor = c.servers[0]!;
    for (const s of seated) {
      const again = await joinDistrict(survivor.ws, s.p, s.district);
      try {
        const self = await waitFor(() => me(again.room));
        const before = positions.get(s.p.characterId)!;
        assert.ok(
          Math.abs(self.x - before.x) < WIRE && Math.abs(self.y - before.y) < WIRE,
          "same state after the move",
        );
        const listed = (await roomsOf(survivor, token)).find((r) => r.roomId === again.room.roomId);
        assert.notEqual(listed.processId, processIdOf(victim));
      } finally {
        await again.room.leave();
      }
    }
    await victim.stop("SIGTERM");
    assert.equal(await victim.exited, 0);
    await c.start(1);
  });

  it("kill -9: the others keep serving, the dead process leaves matchmaking, loss ≤ autosave", async function () {
    const victim = c.servers[2]!;
    const victimId = processIdOf(victim);
    const [s] = await playersOn(c, victim, token, 1);
    s!.room.reconnection.enabled = false;
    await waitFor(() => me(s!.room));
    const pos = await walkAndStop(s!.room, 1, 0, 300, 0);
    // Items granted through the ledger just before the crash.
    const give = await http(c.servers[0]!.http, "POST", "/api/v1/admin/commands", {
      token,
      body: { command: "give", args: [s!.p.characterName, "w-lead-pipe", "3"] },
    });
    assert.equal(give.status, 200, JSON.stringify(give.body));
    await sleep(1500); // an autosave interval passes with the character standing still
    const killedAt = Date.now();
    await victim.stop("SIGKILL");

    // Matchmaking stops pointing at the dead process within a bound.
    const survivor = c.servers[0]!;
    await waitFor(async () => !(await roomsOf(survivor, token)).some((r) => r.processId === victimId), {
      timeoutMs: 15_000,
      intervalMs: 200,
      what: "dead process's rooms swept",
    });
    const sweptMs = Date.now() - killedAt;
    // The dead process still holds the character's lease; a fresh join takes it at once.
    const joinStarted = Date.now();
    const again = await joinDistrict(survivor.ws, s!.p, s!.district);
    assert.ok(Date.now() - joinStarted < 5000, "no wait for the lease to expire");
    try {
      const self = await waitFor(() => me(again.room));
      assert.ok(Math.abs(self.x - pos.x) < WIRE, `lost progress: ${self.x} vs ${pos.x}`);
      const rooms = await roomsOf(survivor, token);
      assert.ok(!rooms.some((r) => r.processId === victimId));
      figure(this, `its rooms left matchmaking after ${sweptMs} ms`);
      // Live once, owned by the new session, and the ledger balances.
      const players = (await http(survivor.http, "GET", "/api/v1/admin/players", { token })).body as any[];
      assert.equal(players.filter((x) => x.characterId === s!.p.characterId).length, 1);
      const [row] = await queryDatabase<{ owner: string }>(
        c.databaseUrl,
        "SELECT owner FROM characters WHERE id = $1",
        [s!.p.characterId],
      );
      assert.ok(row!.owner && !row!.owner.startsWith(`${victimId}/`), `owner ${row!.owner}`);
      assert.deepEqual(await ledgerMismatches(c.databaseUrl, s!.p.characterId), []);
    } finally {
      await again.room.leave();
    }
    // New players keep landing on live processes.
    for (let i = 0; i < 4; i++) {
      const fresh = await joinDistrict(
        survivor.ws,
        await newPlayer(survivor.http),
        ["richland", "westview"][i % 2],
      );
      await waitFor(() => me(fresh.room));
      await fresh.room.leave();
    }
  });

  it("SIGTERM with clients: every client is closed with 4120 after its save and the process exits 0", async () => {
    const victim = c.servers[1]!;
    const seated = await playersOn(c, victim, token, 2);
    const closed: number[] = [];
    const positions = new Map<string, { x: number; y: number }>();
    for (const s of seated) {
      s.room.reconnection.enabled = false;
      s.room.onLeave((code: number) => closed.push(code));
      await waitFor(() => me(s.room));
      positions.set(s.p.characterId, await walkAndStop(s.room, -1, 0, 300, 0));
    }
    assert.equal(await victim.stop("SIGTERM"), 0);
    await waitFor(() => closed.length === seated.length);
    assert.ok(closed.every((code) => code === 4120));
    for (const s of seated) {
      const again = await joinDistrict(c.servers[0]!.ws, s.p, s.district);
      const self = await waitFor(() => me(again.room));
      const before = positions.get(s.p.characterId)!;
      assert.ok(Math.abs(self.x - before.x) < WIRE);
      await again.room.leave();
    }
  });
});
