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
import { settled, walk } from "../helpers/movement.js";
import { DB_MODES, deploy, type TestDeployment } from "../helpers/servers.js";

const SPEED = 6; // richland moveSpeed in content/districts.json
const ARRIVAL = { x: 1500, y: 1200 }; // richland arrival hardline

for (const mode of DB_MODES) {
  describe(`district play end to end (${mode} database)`, function () {
    this.timeout(60_000);
    let d: TestDeployment;
    let player: TestPlayer;

    before(async () => {
      d = await deploy(mode);
      player = await newPlayer(d.server.http);
    });
    after(async () => d?.cleanup());

    it("seats a new character at the arrival hardline with its replicated fields", async () => {
      const { room } = await joinDistrict(d.server.ws, player);
      try {
        const self = await waitFor(() => me(room), { what: "own player in state" });
        assert.equal(room.state.district, "richland");
        assert.equal(self.characterId, player.characterId);
        assert.equal(self.name, player.characterName);
        assert.equal(self.organization, "zion");
        assert.equal(self.level, 1);
        assert.ok(self.hp > 0 && self.hp === self.maxHp);
        assert.ok(Math.hypot(self.x - ARRIVAL.x, self.y - ARRIVAL.y) <= 5, `spawned at ${self.x},${self.y}`);
        const tick0 = room.state.tick;
        await sleep(300);
        // An idle client hears nothing (no empty frames); the frame its next input causes carries the tick.
        await settled(room, (await walk(room, { x: 0, y: 0 }, 0)).seq);
        assert.ok(room.state.tick > tick0, "tick advances");
      } finally {
        await room.leave();
      }
    });

    it("moves by speed × time through the input channel, never faster, and acks the last seq", async () => {
      const { room } = await joinDistrict(d.server.ws, player);
      try {
        const start = await waitFor(() => me(room) && { x: me(room).x, y: me(room).y });
        const { seq, elapsed } = await walk(room, { x: 1, y: 0 }, 1000);
        const end = await settled(room, seq);
        const dist = end.x - start.x;
        assert.ok(Math.abs(end.y - start.y) < 1e-3, "no drift on y");
        assert.ok(dist <= SPEED * (elapsed + 0.1), `moved ${dist} in ${elapsed}s: faster than ${SPEED}/s`);
        assert.ok(dist >= SPEED * (elapsed - 0.4), `moved only ${dist} in ${elapsed}s`);
        assert.equal(me(room).ack, seq);
      } finally {
        await room.leave();
      }
    });

    it("clamps an over-long direction to unit length", async () => {
      const { room } = await joinDistrict(d.server.ws, player);
      try {
        const start = await waitFor(() => me(room) && { x: me(room).x, y: me(room).y });
        const { seq, elapsed } = await walk(room, { x: 30, y: 40 }, 1000, 1000);
        const end = await settled(room, seq);
        const dx = end.x - start.x;
        const dy = end.y - start.y;
        const dist = Math.hypot(dx, dy);
        assert.ok(dist <= SPEED * (elapsed + 0.1), `over-long input moved ${dist} in ${elapsed}s`);
        assert.ok(dist >= SPEED * (elapsed - 0.4), `moved only ${dist}`);
        // Each end of the path is snapped to the wire's 1/8-unit steps: a few hundredths of a radian over ~6 units.
        const direction = Math.atan2(40, 30);
        assert.ok(Math.abs(Math.atan2(dy, dx) - direction) < 0.05, `keeps the direction: ${dx}, ${dy}`);
        assert.ok(Math.abs(me(room).heading - direction) < 0.001, `heading ${me(room).heading}`);
      } finally {
        await room.leave();
      }
    });

    it("keeps the last intent while no input arrives, until told to stop", async () => {
      const { room } = await joinDistrict(d.server.ws, player);
      try {
        const input = room.input<MoveInputData>();
        await waitFor(() => me(room));
        input.data.seq = 5000;
        input.data.moveX = 0;
        input.data.moveY = -1;
        input.send();
        await waitFor(() => me(room).ack === 5000);
        const y0 = me(room).y;
        await sleep(600);
        const moved = y0 - me(room).y;
        assert.ok(moved > SPEED * 0.4, `held intent moved ${moved} in 0.6 s`);
        input.data.seq = 5001;
        input.data.moveY = 0;
        input.send();
        const stopped = await settled(room, 5001);
        await sleep(300);
        assert.ok(Math.abs(me(room).y - stopped.y) < 1e-6, "stays put after 0,0");
      } finally {
        await room.leave();
      }
    });
  });
}
