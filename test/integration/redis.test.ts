import assert from "node:assert/strict";
import { http, joinDistrict, me, newPlayer, sleep, waitFor, type MoveInputData } from "../helpers/api.js";
import { useRedisDatabase } from "../helpers/redis.js";
import { deploy, type TestDeployment } from "../helpers/servers.js";

describe("on Redis presence and driver (REDIS_URL set, postgres)", function () {
  this.timeout(60_000);
  let d: TestDeployment;
  let redis: Awaited<ReturnType<typeof useRedisDatabase>>;

  before(async () => {
    redis = await useRedisDatabase();
    d = await deploy("postgres", { REDIS_URL: redis.url });
  });
  after(async () => {
    await d?.cleanup();
    await redis?.flush();
  });

  it("reports Redis in its start line and readiness", async () => {
    assert.ok(d.server.lines.some((l) => l.includes('"mxo-server listening"') && l.includes('"redis":true')));
    const ready = await http(d.server.http, "GET", "/ready");
    assert.equal(ready.status, 200);
    assert.equal(ready.body.checks.presence, "ok");
  });

  it("seats players through the Redis matchmaker and simulates their movement", async () => {
    const a = await joinDistrict(d.server.ws, await newPlayer(d.server.http), "westview");
    const b = await joinDistrict(d.server.ws, await newPlayer(d.server.http), "westview");
    try {
      assert.equal(a.room.roomId, b.room.roomId, "one westview instance for both");
      await waitFor(() => me(a.room) && a.room.state.players.get(b.room.sessionId));
      const x0 = me(a.room).x;
      const input = a.room.input<MoveInputData>();
      for (let seq = 1; seq <= 10; seq++) {
        Object.assign(input.data, { seq, moveX: 1, moveY: 0 });
        input.send();
        await sleep(50);
      }
      Object.assign(input.data, { seq: 11, moveX: 0, moveY: 0 });
      input.send();
      await waitFor(() => me(a.room).ack === 11);
      // B sees A's movement.
      await waitFor(() => Math.abs(b.room.state.players.get(a.room.sessionId).x - me(a.room).x) < 1e-3);
      assert.ok(me(a.room).x - x0 > 2);
    } finally {
      await a.room.leave();
      await b.room.leave();
    }
  });

  it("logout closes the live session through Redis pub/sub (4101)", async () => {
    const p = await newPlayer(d.server.http);
    const { room } = await joinDistrict(d.server.ws, p, "downtown");
    let code: number | undefined;
    room.onLeave((c: number) => (code = c));
    assert.equal((await http(d.server.http, "POST", "/auth/logout", { token: p.token })).status, 204);
    await waitFor(() => code, { what: "revoked session closed" });
    assert.equal(code, 4101);
  });
});
