import assert from "node:assert/strict";
import type { Room } from "@colyseus/sdk";
import { joinDistrict, me, newPlayer, sleep, waitFor, type MoveInputData } from "../helpers/api.js";
import { deploy, type TestDeployment } from "../helpers/servers.js";

/** Walks along ±x until `done(distance)` holds, then stops and waits for the stop to be applied. */
async function walkUntil(
  mover: Room<any>,
  other: Room<any>,
  dirX: number,
  done: (d: number) => boolean,
  seq: { n: number },
) {
  const input = mover.input<MoveInputData>();
  const dist = () => Math.hypot(me(mover).x - me(other).x, me(mover).y - me(other).y);
  const deadline = Date.now() + 10_000;
  while (!done(dist())) {
    if (Date.now() > deadline) throw new Error(`never reached the distance (at ${dist()})`);
    Object.assign(input.data, { seq: ++seq.n, moveX: dirX, moveY: 0 });
    input.send();
    // One input per server tick (20 Hz): faster would queue inputs the server applies after the stop.
    await sleep(50);
  }
  Object.assign(input.data, { seq: ++seq.n, moveX: 0, moveY: 0 });
  input.send();
  await waitFor(() => me(mover).ack === seq.n);
  await sleep(150); // a few ticks: interest updates and a patch go out
  return dist();
}

describe("interest management (postgres)", function () {
  this.timeout(60_000);
  let d: TestDeployment;
  // A small radius keeps walks short: enter within 10 units, leave beyond 12.
  before(
    async () =>
      (d = await deploy("postgres", {
        AOI_RADIUS: "10",
        AOI_HYSTERESIS_PERCENT: "120",
        AOI_UPDATE_TICKS: "1",
      })),
  );
  after(async () => d?.cleanup());

  it("shows only players in range, with hysteresis at the edge, and always one's own player", async () => {
    const a = await joinDistrict(d.server.ws, await newPlayer(d.server.http), "westview");
    const b = await joinDistrict(d.server.ws, await newPlayer(d.server.http), "westview");
    const seq = { n: 0 };
    try {
      // Both start within a few units of the arrival hardline: in view of each other.
      await waitFor(() => me(a.room) && me(b.room) && a.room.state.players.get(b.room.sessionId), {
        what: "A sees B",
      });
      const away = me(b.room).x >= me(a.room).x ? 1 : -1;
      const aSeesB = () => a.room.state.players.has(b.room.sessionId);

      let dist = await walkUntil(b.room, a.room, away, (x) => x >= 13, seq);
      assert.ok(!aSeesB(), `B left A's view at ${dist}`);
      assert.ok(!b.room.state.players.has(a.room.sessionId), "and A left B's");
      assert.ok(me(a.room) && me(b.room), "each still sees itself");

      dist = await walkUntil(b.room, a.room, -away, (x) => x <= 11.2, seq);
      assert.ok(dist > 10, `stopped at ${dist}`);
      assert.ok(!aSeesB(), `between the radii (${dist}) a player out of view stays out`);

      dist = await walkUntil(b.room, a.room, -away, (x) => x <= 8, seq);
      await waitFor(aSeesB, { what: `B back in view at ${dist}` });
      const seen = a.room.state.players.get(b.room.sessionId);
      assert.ok(Math.abs(seen.x - me(b.room).x) < 1e-3, "with its current position");
      assert.equal(seen.name, me(b.room).name);

      dist = await walkUntil(b.room, a.room, away, (x) => x >= 11, seq);
      assert.ok(dist < 12, `stopped at ${dist}`);
      await sleep(300);
      assert.ok(aSeesB(), `between the radii (${dist}) a player in view stays in`);

      dist = await walkUntil(b.room, a.room, away, (x) => x >= 13, seq);
      await waitFor(() => !aSeesB(), { what: `B gone at ${dist}` });
    } finally {
      await a.room.leave();
      await b.room.leave();
    }
  });

  it("a player who joins far away is never sent to others", async () => {
    const a = await joinDistrict(d.server.ws, await newPlayer(d.server.http), "downtown");
    const bPlayer = await newPlayer(d.server.http);
    const b = await joinDistrict(d.server.ws, bPlayer, "downtown");
    const seq = { n: 0 };
    try {
      await waitFor(() => me(a.room) && me(b.room));
      await walkUntil(b.room, a.room, 1, (x) => x >= 20, seq);
      await b.room.leave();
      // B comes back: it is saved 20 units away and appears there, out of A's view.
      const again = await joinDistrict(d.server.ws, bPlayer, "downtown");
      const seenEver: boolean[] = [];
      const timer = setInterval(() => seenEver.push(a.room.state.players.has(again.room.sessionId)), 20);
      await waitFor(() => me(again.room));
      await sleep(500);
      clearInterval(timer);
      assert.ok(!seenEver.some(Boolean), "A never received the far player");
      await again.room.leave();
    } finally {
      await a.room.leave();
    }
  });
});
