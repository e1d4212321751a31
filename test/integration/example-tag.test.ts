import assert from "node:assert/strict";
import type { Room } from "@colyseus/sdk";
import { ContractClient } from "../helpers/client.js";
import { http, newPlayer, sleep, waitFor, type MoveInputData, type TestPlayer } from "../helpers/api.js";
import { startServerProcess, tempDataDir, type ServerHandle } from "../helpers/serverProcess.js";

const ADMIN = { username: "tag_admin", password: "tag admin password" };
const A = "/api/v1/admin";
const ENTRY = "examples/tag/main.ts";

async function joinTag(ws: string, p: TestPlayer): Promise<Room<any>> {
  const client = new ContractClient(ws);
  client.auth.token = p.token;
  const room = await client.joinOrCreate("tag", { characterId: p.characterId });
  await waitFor(() => room.state?.players?.get(room.sessionId), { what: "own state" });
  return room;
}

const mine = (room: Room<any>) => room.state.players.get(room.sessionId);
const whoIsIt = (room: Room<any>) => [...room.state.players.values()].filter((p: any) => p.it);

/**
 * The second game (examples/tag, issue 14 point 8): built on the framework's
 * public entry only, started as its own process, with the framework's HTTP
 * surface, accounts, GM commands, audit and custody, and nothing MxO.
 */
describe("examples/tag on the framework (embedded database)", function () {
  this.timeout(120_000);
  const data = tempDataDir();
  let server: ServerHandle;
  let boss: string;

  const start = async () =>
    startServerProcess(
      { DATA_DIR: data.dir, ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password },
      { entry: ENTRY, timeoutMs: 60_000 },
    );
  const gm = (token: string, command: string, ...args: string[]) =>
    http(server.http, "POST", `${A}/commands`, { token, body: { command, args } });

  before(async () => {
    server = await start();
    boss = (await http(server.http, "POST", "/auth/login", { body: ADMIN })).body.token;
    assert.ok(boss);
  });
  after(async () => {
    await server?.stop();
    data.remove();
  });

  it("has the framework's HTTP surface, and none of MxO's", async () => {
    for (const path of ["/health", "/ready", "/metrics"])
      assert.equal((await http(server.http, "GET", path)).status, 200, path);
    assert.equal((await http(server.http, "GET", "/api/v1/districts")).status, 404);
    assert.equal((await http(server.http, "GET", `${A}/content`, { token: boss })).status, 404);
    const listed = (await http(server.http, "GET", `${A}/commands`, { token: boss })).body.map(
      (c: { name: string }) => c.name,
    );
    for (const name of ["teleport", "kick", "announce", "inspect", "tagit"])
      assert.ok(listed.includes(name), name);
    for (const name of ["give", "spawn", "setstat"]) assert.ok(!listed.includes(name), name);
    const refused = await http(server.http, "POST", "/characters", {
      token: boss,
      body: { name: "Zionite", organization: "zion" },
    });
    assert.equal(refused.status, 400, "MxO's organizations are not tag's");
  });

  it("refuses a join without a valid token, or with another account's character", async () => {
    const p = await newPlayer(server.http);
    const other = await newPlayer(server.http);
    const anonymous = new ContractClient(server.ws);
    await assert.rejects(anonymous.joinOrCreate("tag", { characterId: p.characterId }));
    const forged = new ContractClient(server.ws);
    forged.auth.token = "not-a-token";
    await assert.rejects(forged.joinOrCreate("tag", { characterId: p.characterId }));
    const stranger = new ContractClient(server.ws);
    stranger.auth.token = other.token;
    await assert.rejects(stranger.joinOrCreate("tag", { characterId: p.characterId }), /not found/i);
  });

  it("one player is it among two; it passes within reach, not back for 2 s; the framework's GM commands work", async () => {
    const [a, b] = [await newPlayer(server.http), await newPlayer(server.http)];
    const ra = await joinTag(server.ws, a);
    assert.equal(mine(ra).it, false, "alone, nobody is it");
    const rb = await joinTag(server.ws, b);
    await waitFor(() => ra.state.players.size === 2 && whoIsIt(ra).length === 1, { what: "one it" });
    assert.equal(mine(ra).it, true, "the first player is it");
    assert.equal(mine(ra).name, a.characterName);

    // Apart, through the framework's teleport; then it walks at the other.
    assert.equal((await gm(boss, "teleport", a.characterName, "10", "50")).status, 200);
    assert.equal((await gm(boss, "teleport", b.characterName, "30", "50")).status, 200);
    await waitFor(() => Math.abs(mine(ra).x - 10) < 0.5 && Math.abs(mine(rb).x - 30) < 0.5, {
      what: "teleports",
    });
    let pass: any;
    rb.onMessage("tagged", (m) => (pass = m));
    const input = ra.input<MoveInputData>();
    for (let seq = 1; !pass && seq < 200; seq++) {
      Object.assign(input.data, { seq, moveX: 1, moveY: 0 });
      input.send();
      await sleep(50);
    }
    Object.assign(input.data, { seq: 1000, moveX: 0, moveY: 0 });
    input.send();
    assert.deepEqual(pass, { from: a.characterName, to: b.characterName });
    await waitFor(() => mine(rb).it && !mine(ra).it, { what: "b is it" });
    const gap = Math.hypot(mine(ra).x - mine(rb).x, mine(ra).y - mine(rb).y);
    assert.ok(gap <= 3, `passed within reach (${gap})`);
    // Still within reach, but the new it cannot pass back at once.
    await sleep(1000);
    assert.equal(mine(rb).it, true, "no pass back within 2 s");
    // The score is whole seconds of simulated time, which a loaded machine's ticks
    // can trail by a little: wait for the first second rather than assume it.
    await waitFor(() => mine(ra).score >= 1, { what: "a scores while not it", timeoutMs: 3000 });

    const inspected = await gm(boss, "inspect", b.characterName);
    assert.equal(inspected.status, 200, JSON.stringify(inspected.body));
    assert.equal(inspected.body.data.it, true);
    assert.equal(inspected.body.data.district, "tag");
    const heard = new Promise<any>((resolve) => ra.onMessage("announce", resolve));
    assert.equal((await gm(boss, "announce", "tag", "time")).status, 200);
    assert.equal((await heard).text, "tag time");
    const kicked = new Promise<number>((resolve) => rb.onLeave((code: number) => resolve(code)));
    assert.equal((await gm(boss, "kick", b.characterName, "enough")).status, 200);
    assert.equal(await kicked, 4110);
    await waitFor(() => ra.state.players.size === 1 && !mine(ra).it, { what: "alone again" });
    await ra.leave();
  });

  it("tagit: a GM makes a player it, audited and reversible; a player gets 403", async () => {
    const [a, b] = [await newPlayer(server.http), await newPlayer(server.http)];
    const ra = await joinTag(server.ws, a);
    const rb = await joinTag(server.ws, b);
    await waitFor(() => mine(ra).it, { what: "a is it" });
    assert.equal((await gm(boss, "teleport", b.characterName, "90", "90")).status, 200);

    const refused = await gm(a.token, "tagit", b.characterName);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.code ?? refused.body.error?.code, "forbidden");
    const done = await gm(boss, "tagit", b.characterName);
    assert.equal(done.status, 200, JSON.stringify(done.body));
    await waitFor(() => mine(rb).it && !mine(ra).it, { what: "b is it" });

    const records = (await http(server.http, "GET", `${A}/audit-logs?action=command.tagit`, { token: boss }))
      .body.records as any[];
    assert.ok(
      records.some((r) => r.result === "ok" && r.actor === ADMIN.username && r.target === b.characterName),
    );
    assert.ok(records.some((r) => r.result === "refused" && r.actor === a.username));

    const reversed = await http(server.http, "POST", `${A}/gm-actions/${done.body.actionId}/reverse`, {
      token: boss,
    });
    assert.equal(reversed.status, 200, JSON.stringify(reversed.body));
    await waitFor(() => mine(ra).it && !mine(rb).it, { what: "a is it again" });
    await Promise.all([ra.leave(), rb.leave()]);
  });

  it("keeps the score with the character: SIGTERM saves and exits 0, and it is back after a restart", async () => {
    const [a, b] = [await newPlayer(server.http), await newPlayer(server.http)];
    const ra = await joinTag(server.ws, a);
    const rb = await joinTag(server.ws, b);
    assert.equal((await gm(boss, "tagit", a.characterName)).status, 200);
    await waitFor(() => mine(rb).score >= 2, { what: "b scores", timeoutMs: 10_000 });
    const closed = new Promise<number>((resolve) => rb.onLeave((code: number) => resolve(code)));
    assert.equal(await server.stop("SIGTERM"), 0);
    assert.equal(await closed, 4120, "told to come back");
    const scoreBefore = mine(rb).score as number;
    void ra;

    server = await start();
    const again = (await http(server.http, "POST", "/auth/login", { body: b })).body.token as string;
    const back = await joinTag(server.ws, { ...b, token: again });
    assert.ok(mine(back).score >= scoreBefore, `score ${mine(back).score} ≥ ${scoreBefore}`);
    boss = (await http(server.http, "POST", "/auth/login", { body: ADMIN })).body.token;
    await back.leave();
  });
});
