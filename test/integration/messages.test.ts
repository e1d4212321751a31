import assert from "node:assert/strict";
import { joinDistrict, me, newPlayer, sleep, waitFor, type MoveInputData } from "../helpers/api.js";
import { sampleValue, samplesOf, scrape } from "../helpers/metrics.js";
import { walk } from "../helpers/movement.js";
import { deploy, type TestDeployment } from "../helpers/servers.js";

const SPEED = 6;

describe("hostile input (postgres)", function () {
  this.timeout(60_000);

  describe("a storm of malformed messages", () => {
    let d: TestDeployment;
    // Generous per-client rate so the storm exercises validation rather than the throttle.
    before(async () => (d = await deploy("postgres", { MAX_MESSAGES_PER_SECOND: "400" })));
    after(async () => d?.cleanup());

    it("is dropped and counted while a normal client keeps moving and the room keeps ticking", async () => {
      const normal = await joinDistrict(d.server.ws, await newPlayer(d.server.http));
      const stormers = await Promise.all(
        [1, 2].map(async () => joinDistrict(d.server.ws, await newPlayer(d.server.http))),
      );
      const errors: string[] = [];
      for (const s of stormers) s.room.onMessage("error", (e: { code: string }) => errors.push(e.code));
      await waitFor(() => me(normal.room));
      const x0 = me(normal.room).x;
      const tick0 = normal.room.state.tick;
      const started = Date.now();

      const badChats: unknown[] = [
        { channel: "say", text: 5 },
        { channel: "nope", text: "x" },
        { channel: "say" },
        { channel: "say", text: "" },
        { channel: "say", text: "   " },
        { channel: "say", text: "x".repeat(257) },
        { channel: "say", text: "y".repeat(10_000) },
        null,
        "just a string",
        [1, 2, 3],
        { channel: { $gt: "" }, text: "x" },
        { __proto__: { polluted: true }, channel: "say", text: 1 },
      ];
      const unknownTypes: (string | number)[] = [
        "bogus",
        "toString",
        "__proto__",
        "constructor",
        "hasOwnProperty",
        12345,
        "gm:result",
      ];
      let invalidSent = 0;
      let unknownSent = 0;
      const storm = (async () => {
        for (let round = 0; round < 6; round++) {
          for (const s of stormers) {
            for (const payload of badChats) {
              s.room.send("chat", payload);
              invalidSent++;
            }
            for (const type of unknownTypes) {
              s.room.send(type as string, { x: 1 });
              unknownSent++;
            }
            // Inputs with non-finite directions must be ignored, not applied.
            const input = s.room.input<MoveInputData>();
            Object.assign(input.data, { seq: round + 1, moveX: Number.NaN, moveY: Number.POSITIVE_INFINITY });
            input.send();
          }
          await sleep(250);
        }
      })();
      await Promise.all([storm, walk(normal.room, { x: 1, y: 0 }, 2500)]);
      const elapsed = (Date.now() - started) / 1000;
      await sleep(300);

      const moved = me(normal.room).x - x0;
      assert.ok(moved >= SPEED * (elapsed - 0.6), `normal client moved only ${moved} in ${elapsed}s`);
      assert.ok(moved <= SPEED * (elapsed + 0.2));
      const ticks = normal.room.state.tick - tick0;
      assert.ok(ticks >= 20 * (elapsed - 0.5), `only ${ticks} ticks in ${elapsed}s`);

      // The stormers are still connected (bad payloads are answered, not punished) and stood still.
      for (const s of stormers) {
        assert.ok(s.room.connection.isOpen, "stormer still connected");
        const self = me(s.room);
        assert.ok(Number.isFinite(self.x) && Number.isFinite(self.y), "NaN never reaches the state");
      }
      assert.ok(
        errors.includes("invalid_message") && errors.includes("unknown_message"),
        `errors: ${[...new Set(errors)]}`,
      );

      const m = await scrape(d.server.http);
      assert.ok(
        (sampleValue(m, "mxo_messages_total", { type: "chat", result: "invalid" }) ?? 0) >=
          invalidSent - 2 * 6,
      );
      assert.ok(
        (sampleValue(m, "mxo_messages_total", { type: "unknown", result: "unknown" }) ?? 0) >=
          unknownSent - 2 * 6,
      );
      assert.ok((sampleValue(m, "mxo_messages_total", { type: "input", result: "invalid" }) ?? 0) >= 1);
      // No client-chosen string became a label value.
      const types = new Set(samplesOf(m, "mxo_messages_total").map((s) => s.labels.type));
      for (const t of types)
        assert.ok(
          [
            "chat",
            "unknown",
            "input",
            "protocol",
            "ability",
            "interlock",
            "mission",
            "travel",
            "gm",
          ].includes(t!),
          t,
        );

      // And the room still takes new players.
      const late = await joinDistrict(d.server.ws, await newPlayer(d.server.http));
      await waitFor(() => me(late.room));
      for (const c of [normal, late, ...stormers]) await c.room.leave();
    });

    it("closes a client that sends bytes that are not a message, and only that client", async () => {
      const normal = await joinDistrict(d.server.ws, await newPlayer(d.server.http));
      const rogue = await joinDistrict(d.server.ws, await newPlayer(d.server.http));
      rogue.room.reconnection.enabled = false;
      let rogueClosed: number | undefined;
      rogue.room.onLeave((code: number) => (rogueClosed = code));
      await waitFor(() => me(normal.room) && me(rogue.room));
      // Protocol byte for ROOM_DATA followed by a type and bytes that are not msgpack.
      rogue.room.connection.send(new Uint8Array([13, 0xa3, 0x63, 0x68, 0x74, 0xc1, 0xc1, 0xc1, 0xff]));
      rogue.room.connection.send(new Uint8Array([0xff, 0xfe, 0x00, 0x01]));
      await waitFor(() => rogueClosed, { what: "rogue closed", timeoutMs: 5000 });
      assert.equal(rogueClosed, 4002, "protocol violation closes with Colyseus's error code");
      const m = await scrape(d.server.http);
      assert.ok((sampleValue(m, "mxo_messages_total", { type: "protocol", result: "malformed" }) ?? 0) >= 1);
      const tick = normal.room.state.tick;
      await sleep(300);
      assert.ok(normal.room.state.tick > tick, "room keeps ticking");
      assert.ok(normal.room.connection.isOpen);
      await normal.room.leave();
    });
  });

  describe("message rate limits", () => {
    let d: TestDeployment;
    before(async () => (d = await deploy("postgres", { MAX_MESSAGES_PER_SECOND: "10" })));
    after(async () => d?.cleanup());

    it("throttles a flooding client, then disconnects it, without touching others", async () => {
      const calm = await joinDistrict(d.server.ws, await newPlayer(d.server.http));
      const flooder = await joinDistrict(d.server.ws, await newPlayer(d.server.http));
      flooder.room.reconnection.enabled = false;
      const errors: string[] = [];
      let closeCode: number | undefined;
      flooder.room.onMessage("error", (e: { code: string }) => errors.push(e.code));
      flooder.room.onLeave((code: number) => (closeCode = code));
      flooder.room.onMessage("chat", () => {});
      const heard: string[] = [];
      calm.room.onMessage("chat", (m: { text: string }) => heard.push(m.text));
      await waitFor(() => me(calm.room) && me(flooder.room));

      for (let i = 0; i < 80 && flooder.room.connection.isOpen; i++) {
        flooder.room.send("chat", { channel: "district", text: `spam ${i}` });
        await sleep(2);
      }
      await waitFor(() => closeCode, { what: "flooder disconnected", timeoutMs: 5000 });
      assert.equal(closeCode, 4110);
      assert.ok(errors.includes("rate_limited"));
      // Burst (2 × rate) got through, the rest did not.
      await sleep(200);
      assert.ok(heard.length >= 10 && heard.length <= 25, `calm client heard ${heard.length} spam lines`);
      assert.ok(calm.room.connection.isOpen);
      const m = await scrape(d.server.http);
      assert.ok((sampleValue(m, "mxo_messages_total", { type: "chat", result: "throttled" }) ?? 0) >= 30);
      await calm.room.leave();
    });
  });
});
