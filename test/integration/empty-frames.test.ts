import assert from "node:assert/strict";
import type { Room } from "@colyseus/sdk";
import { joinDistrict, me, newPlayer, sleep, waitFor } from "../helpers/api.js";
import { approach, walk } from "../helpers/movement.js";
import { deploy, type TestDeployment } from "../helpers/servers.js";

/** Protocol.ROOM_STATE_PATCH, and the mask that strips modifier bits (TIMED) from a frame's first byte. */
const ROOM_STATE_PATCH = 15;
const CODE_MASK = 31;

/** Counts the state patch frames a joined SDK room receives, without changing what it does with them. */
function countPatches(room: Room<any>): { n: number } {
  const counter = { n: 0 };
  const events = (
    room as unknown as { connection: { events: { onmessage: (e: { data: ArrayBuffer }) => void } } }
  ).connection.events;
  const deliver = events.onmessage;
  events.onmessage = (e) => {
    if ((new Uint8Array(e.data)[0]! & CODE_MASK) === ROOM_STATE_PATCH) counter.n++;
    deliver(e);
  };
  return counter;
}

/** Patch frames each room receives over `ms`. */
async function framesOver(ms: number, ...counters: { n: number }[]): Promise<number[]> {
  const before = counters.map((c) => c.n);
  await sleep(ms);
  return counters.map((c, i) => c.n - before[i]!);
}

describe("no empty frames (postgres)", function () {
  this.timeout(60_000);
  let d: TestDeployment;
  // A small radius keeps the walks short: in view within 10 units, out beyond 12; everyone in view at full
  // rate (distance-based rates, which leave a view without news on some patches, are viewRates.test's subject).
  before(
    async () =>
      (d = await deploy("postgres", {
        AOI_RADIUS: "10",
        AOI_UPDATE_TICKS: "1",
        AOI_FULL_RATE_PERCENT: "100",
      })),
  );
  after(async () => d?.cleanup());

  it("an idle client whose view has nothing new gets no state frame; a move brings frames back to whoever sees it", async () => {
    // Westview's arrival hardline: its drifters stand 35+ units off, beyond this radius.
    const a = await joinDistrict(d.server.ws, await newPlayer(d.server.http), "westview");
    const b = await joinDistrict(d.server.ws, await newPlayer(d.server.http), "westview");
    try {
      const ca = countPatches(a.room);
      const cb = countPatches(b.room);
      await waitFor(() => me(a.room) && me(b.room) && a.room.state.players.has(b.room.sessionId), {
        what: "A sees B",
      });
      // B walks 4 s away from A (24 units at 6/s): out of A's view, and A out of B's.
      const away = me(b.room).x >= me(a.room).x ? 1 : -1;
      const { seq } = await walk(b.room, { x: away, y: 0 }, 4000);
      await waitFor(() => me(b.room).ack === seq, { what: "B stopped" });
      await waitFor(() => !a.room.state.players.has(b.room.sessionId), { what: "B out of A's view" });
      assert.ok(!b.room.state.players.has(a.room.sessionId), "and A out of B's");
      const tick = a.room.state.tick as number;

      // Settled: nothing in either view changes, so neither hears anything.
      await sleep(300);
      const [idleA, idleB] = await framesOver(1000, ca, cb);
      assert.equal(idleA, 0, `A idle and alone received ${idleA} patch frames in 1 s`);
      assert.equal(idleB, 0, `B idle and alone received ${idleB} patch frames in 1 s`);

      // A moves: A hears its own player every patch; B, who cannot see A, still hears nothing.
      const moving = framesOver(1000, ca, cb);
      await walk(a.room, { x: 0, y: 1 }, 1000, 100);
      const [movingA = 0, quietB] = await moving;
      assert.ok(movingA >= 10, `A moving received only ${movingA} patch frames in 1 s (20 Hz patches)`);
      assert.equal(quietB, 0, `B received ${quietB} patch frames while only A, out of its view, moved`);
      // What rides along with a frame (the room's tick) is current in it, though A skipped patches.
      assert.ok((a.room.state.tick as number) > tick + 20, "A's state has the room's tick of its last frame");

      // B walks back into A's view; once both stand still, silence again; then A's move reaches B.
      // (Straight at A until 6 units off: a timed walk back covers what the loaded machine's ticks allow.)
      await approach(b.room, () => me(a.room), 6);
      const gap = () => Math.hypot(me(b.room).x - me(a.room).x, me(b.room).y - me(a.room).y);
      await waitFor(() => b.room.state.players.has(a.room.sessionId), {
        what: `A back in B's view (${gap()} apart)`,
      });
      await sleep(300);
      const [stillA, stillB] = await framesOver(1000, ca, cb);
      assert.deepEqual([stillA, stillB], [0, 0], "two idle players in each other's view hear nothing");
      const seen = framesOver(1000, cb);
      const y0 = b.room.state.players.get(a.room.sessionId).y as number;
      await walk(a.room, { x: 0, y: -1 }, 1000, 200);
      const [bHearsA = 0] = await seen;
      assert.ok(bHearsA >= 10, `B received only ${bHearsA} patch frames in 1 s while A moved in its view`);
      await waitFor(() => b.room.state.players.get(a.room.sessionId).y === me(a.room).y, {
        what: "B sees A stop",
      });
      assert.ok(b.room.state.players.get(a.room.sessionId).y < y0, "B saw A move");
    } finally {
      await a.room.leave();
      await b.room.leave();
    }
  });
});
