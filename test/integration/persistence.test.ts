import assert from "node:assert/strict";
import {
  joinDistrict,
  me,
  newPlayer,
  sleep,
  waitFor,
  type MoveInputData,
  type TestPlayer,
} from "../helpers/api.js";
import { queryDatabase } from "../helpers/postgres.js";
import { migrations } from "../../src/framework/persistence/migrations/index.js";
import { walkAndStop } from "../helpers/movement.js";
import { DB_MODES, deploy, type TestDeployment } from "../helpers/servers.js";

/** Positions travel in 1/8-unit steps (schema/wireDomains.ts): what a client sees is within half a step of what is saved. */
const WIRE = 1 / 16 + 1e-9;

for (const mode of DB_MODES) {
  describe(`persistence of play (${mode} database)`, function () {
    this.timeout(90_000);
    let d: TestDeployment;
    let player: TestPlayer;

    before(async () => {
      d = await deploy(mode, { AUTOSAVE_SECONDS: "1" });
      player = await newPlayer(d.server.http);
    });
    after(async () => d?.cleanup());

    it("a character is where it left after a restart", async () => {
      const first = await joinDistrict(d.server.ws, player);
      await waitFor(() => me(first.room));
      const left = await walkAndStop(first.room, 1, 1, 700, 0);
      await first.room.leave();

      await d.restart();
      if (mode === "postgres") {
        // Migrations ran on both starts and applied once.
        const rows = await queryDatabase<{ name: string }>(
          d.env.DATABASE_URL!,
          "SELECT name FROM migrations",
        );
        assert.deepEqual(
          rows.map((r) => r.name),
          migrations.map((m) => new m().name),
        );
      }
      const again = await joinDistrict(d.server.ws, player);
      try {
        const self = await waitFor(() => me(again.room), { what: "own player after restart" });
        assert.ok(
          Math.abs(self.x - left.x) < WIRE && Math.abs(self.y - left.y) < WIRE,
          `${self.x},${self.y} vs ${left.x},${left.y}`,
        );
      } finally {
        await again.room.leave();
      }
    });

    it("SIGTERM closes clients with 4120, saves them, exits 0; the state survives", async () => {
      const { room } = await joinDistrict(d.server.ws, player);
      let closeCode: number | undefined;
      room.onLeave((code: number) => (closeCode = code));
      await waitFor(() => me(room));
      const pos = await walkAndStop(room, -1, 0, 600, 100);
      const exit = await d.server.stop("SIGTERM");
      assert.equal(exit, 0);
      await waitFor(() => closeCode, { what: "close code" });
      assert.equal(closeCode, 4120);
      assert.ok(d.server.lines.some((l) => l.includes('"shutdown complete"')));

      await d.restart();
      const again = await joinDistrict(d.server.ws, player);
      try {
        const self = await waitFor(() => me(again.room));
        assert.ok(Math.abs(self.x - pos.x) < WIRE && Math.abs(self.y - pos.y) < WIRE);
      } finally {
        await again.room.leave();
      }
    });

    it("after kill -9 at most AUTOSAVE_SECONDS of progress is lost", async () => {
      const { room } = await joinDistrict(d.server.ws, player);
      room.reconnection.enabled = false;
      await waitFor(() => me(room));
      const pos = await walkAndStop(room, 0, 1, 500, 200);
      await sleep(1500); // > one autosave interval (1 s) with the character standing still
      // Walk on without a save having a chance to land for all of it, then crash.
      const input = room.input<MoveInputData>();
      Object.assign(input.data, { seq: 300, moveX: 0, moveY: 1 });
      input.send();
      await sleep(400);
      const beforeCrash = { x: me(room).x as number, y: me(room).y as number };
      await d.server.stop("SIGKILL");

      await d.restart();
      const again = await joinDistrict(d.server.ws, player);
      try {
        const self = await waitFor(() => me(again.room));
        // Saved somewhere between the last autosave before the walk and the crash point.
        assert.ok(self.y >= pos.y - WIRE, `lost more than the walk: ${self.y} < ${pos.y}`);
        assert.ok(
          self.y <= beforeCrash.y + 6 * 0.2,
          `saved ahead of the crash point: ${self.y} > ${beforeCrash.y}`,
        );
        const lost = beforeCrash.y - self.y;
        assert.ok(lost <= 6 * 1 + WIRE, `lost ${lost} units, more than one autosave interval of movement`);
      } finally {
        await again.room.leave();
      }
    });
  });
}

describe("reconnection (postgres database)", function () {
  this.timeout(60_000);
  let d: TestDeployment;

  before(async () => {
    d = await deploy("postgres", { RECONNECT_GRACE_SECONDS: "2" });
  });
  after(async () => d?.cleanup());

  it("a dropped client coming back within the grace period keeps the same player", async () => {
    const a = await newPlayer(d.server.http);
    const b = await newPlayer(d.server.http);
    const joinedA = await joinDistrict(d.server.ws, a);
    const joinedB = await joinDistrict(d.server.ws, b);
    try {
      await waitFor(() => joinedB.room.state?.players?.get(joinedA.room.sessionId), { what: "B sees A" });
      const pos = await walkAndStop(joinedA.room, 1, 0, 300, 0);
      const token = joinedA.room.reconnectionToken;
      joinedA.room.reconnection.enabled = false;
      joinedA.room.connection.close(4999, "network lost");
      await sleep(500);
      // Still in the world for others while within grace.
      assert.ok(
        joinedB.room.state?.players?.get(joinedA.room.sessionId),
        "A is held during the grace period",
      );
      const back = await joinedA.client.reconnect(token);
      assert.equal(back.sessionId, joinedA.room.sessionId);
      const self = await waitFor(() => me(back));
      assert.ok(Math.abs(self.x - pos.x) < WIRE);
      assert.equal(self.characterId, a.characterId);
      // And it still plays.
      const moved = await walkAndStop(back, 1, 0, 300, 50);
      assert.ok(moved.x > pos.x + 1);
      await back.leave();
    } finally {
      await joinedB.room.leave();
    }
  });

  it("a reconnect racing a travel is sent on to the character's new district, never left as a ghost", async () => {
    const a = await newPlayer(d.server.http);
    const joined = await joinDistrict(d.server.ws, a, "richland");
    await waitFor(() => me(joined.room));
    const token = joined.room.reconnectionToken;
    joined.room.reconnection.enabled = false;
    joined.room.onMessage("travel", () => {});
    // The answer to this travel is sent while the client is away.
    joined.room.send("travel", { district: "westview" });
    joined.room.connection.close(4999, "network lost");
    await sleep(400);
    const back = await joined.client.reconnect(token);
    const travel = await new Promise<any>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no travel answer after the reconnect")), 5000);
      back.onMessage("travel", (m: any) => {
        clearTimeout(timer);
        resolve(m);
      });
      back.onLeave((code: number) => reject(new Error(`closed with ${code} instead`)));
    });
    assert.equal(travel.district, "westview");
    const next = await joined.client.consumeSeatReservation<any>(travel.reservation);
    try {
      const self = await waitFor(() => me(next));
      assert.equal(self.characterId, a.characterId);
      assert.equal(next.state.district, "westview");
    } finally {
      await back.leave().catch(() => {});
      await next.leave();
    }
  });

  it("after the grace period the player is saved and gone", async () => {
    const a = await newPlayer(d.server.http);
    const b = await newPlayer(d.server.http);
    const joinedA = await joinDistrict(d.server.ws, a);
    const joinedB = await joinDistrict(d.server.ws, b);
    try {
      await waitFor(() => joinedB.room.state?.players?.get(joinedA.room.sessionId));
      const pos = await walkAndStop(joinedA.room, 0, -1, 400, 0);
      const token = joinedA.room.reconnectionToken;
      joinedA.room.reconnection.enabled = false;
      joinedA.room.connection.close(4999, "network lost");
      await waitFor(() => !joinedB.room.state?.players?.get(joinedA.room.sessionId), {
        timeoutMs: 5000,
        what: "A removed after grace",
      });
      const [row] = await queryDatabase<{ x: number; y: number }>(
        d.env.DATABASE_URL!,
        "SELECT x, y FROM characters WHERE id = $1",
        [a.characterId],
      );
      assert.ok(Math.abs(row!.y - pos.y) < WIRE, `saved y ${row!.y} vs ${pos.y}`);
      await assert.rejects(joinedA.client.reconnect(token));
    } finally {
      await joinedB.room.leave();
    }
  });
});
