import assert from "node:assert/strict";
import type { Room } from "@colyseus/sdk";
import { joinDistrict, me, newPlayer, sleep, waitFor, type MoveInputData } from "../helpers/api.js";
import { sampleValue, samplesOf, scrape } from "../helpers/metrics.js";
import { walk } from "../helpers/movement.js";
import { logsWith } from "../helpers/serverProcess.js";
import { deploy, type TestDeployment } from "../helpers/servers.js";
import { skipUnlessTransportServes } from "../helpers/nodeVersions.js";

/**
 * Richland's steps so far, from the server's own metric: an idle client's
 * `state.tick` moves only with a frame it needs (no empty frames), so it
 * cannot show that the room keeps ticking.
 */
async function stepsOf(d: TestDeployment): Promise<number> {
  return (
    sampleValue(await scrape(d.server.http), "mxo_tick_duration_seconds_count", { district: "richland" }) ?? 0
  );
}

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
            "loadout",
            "interact",
          ].includes(t!),
          t,
        );

      // And the room still takes new players.
      const late = await joinDistrict(d.server.ws, await newPlayer(d.server.http));
      await waitFor(() => me(late.room));
      for (const c of [normal, late, ...stormers]) await c.room.leave();
    });

    it("drops frames that are not messages, counts them, and keeps the client and the room", async () => {
      const normal = await joinDistrict(d.server.ws, await newPlayer(d.server.http));
      const rogue = await joinDistrict(d.server.ws, await newPlayer(d.server.http));
      rogue.room.reconnection.enabled = false;
      let rogueClosed: number | undefined;
      rogue.room.onLeave((code: number) => (rogueClosed = code));
      await waitFor(() => me(normal.room) && me(rogue.room));
      const before = await scrape(d.server.http);
      // Protocol byte for ROOM_DATA followed by a type and bytes that are not msgpack; then no opcode at all.
      rogue.room.connection.send(new Uint8Array([13, 0xa3, 0x63, 0x68, 0x74, 0xc1, 0xc1, 0xc1, 0xff]));
      rogue.room.connection.send(new Uint8Array([0xff, 0xfe, 0x00, 0x01]));
      await sleep(500);
      const m = await scrape(d.server.http);
      const malformed = (x: typeof m) =>
        sampleValue(x, "mxo_messages_total", { type: "protocol", result: "malformed" }) ?? 0;
      assert.equal(malformed(m) - malformed(before), 2);
      assert.equal(rogueClosed, undefined, "two bad frames are dropped, not punished");
      const steps = await stepsOf(d);
      await sleep(300);
      assert.ok((await stepsOf(d)) > steps, "room keeps ticking");
      rogue.room.send("chat", { channel: "say", text: "still here" });
      await sleep(200);
      assert.ok(rogue.room.connection.isOpen && normal.room.connection.isOpen);
      await normal.room.leave();
      await rogue.room.leave();
    });

    it("drops a message typed '*' (Colyseus's wildcard), which reached the catch-all handler as its type and crashed the process", async () => {
      const normal = await joinDistrict(d.server.ws, await newPlayer(d.server.http));
      const rogue = await joinDistrict(d.server.ws, await newPlayer(d.server.http));
      await waitFor(() => me(normal.room) && me(rogue.room));
      // A payload String() cannot convert: its own `toString` is not a function.
      rogue.room.send("*", { toString: 5, valueOf: 6 });
      rogue.room.send("*", [[{ toString: "x" }]]);
      await sleep(500);
      assert.equal(d.server.proc.exitCode, null, "the server is still running");
      assert.equal(logsWith(d.server, "uncaught exception").length, 0);
      const before = await stepsOf(d);
      await sleep(300);
      assert.ok((await stepsOf(d)) > before, "the room keeps ticking");
      await normal.room.leave();
      await rogue.room.leave();
    });

    it("refuses NUL in any message before a handler stores it (gm: refused by the registry, audited)", async () => {
      const player = await joinDistrict(d.server.ws, await newPlayer(d.server.http));
      const errors: { code: string; message: string }[] = [];
      const results: unknown[] = [];
      player.room.onMessage("error", (e: { code: string; message: string }) => errors.push(e));
      player.room.onMessage("gm:result", (r: unknown) => results.push(r));
      await waitFor(() => me(player.room));
      const lines = d.server.lines.length;
      player.room.send("gm", { command: "kick", args: ["Some\u0000one", "r\u0000"] });
      player.room.send("chat", { channel: "say", text: "hi\u0000there" });
      await waitFor(() => errors.length >= 1 && results.length >= 1, { what: "both refusals" });
      assert.deepEqual(
        errors.map((e) => e.code),
        ["invalid_message"],
      );
      assert.match(errors[0]!.message, /NUL/);
      assert.deepEqual(
        results.map((r: any) => [r.ok, r.code]),
        [[false, "invalid_arguments"]],
        "the command never ran",
      );
      assert.deepEqual(
        d.server.lines.slice(lines).filter((l) => /unhandled|invalid byte sequence/i.test(l)),
        [],
      );
      assert.equal(d.server.proc.exitCode, null);
      await player.room.leave();
    });
  });

  describe("hostile frames on the input channel", () => {
    let d: TestDeployment;
    // A generous rate, so hundreds of bad frames are dropped without closing the sender.
    before(async () => (d = await deploy("postgres", { MAX_MESSAGES_PER_SECOND: "400" })));
    after(async () => d?.cleanup());

    it("drops [20, 0, 255] and random input bytes: the process keeps answering, nothing is logged per frame", async () => {
      const normal = await joinDistrict(d.server.ws, await newPlayer(d.server.http));
      const rogue = await joinDistrict(d.server.ws, await newPlayer(d.server.http));
      rogue.room.reconnection.enabled = false;
      await waitFor(() => me(normal.room) && me(rogue.room));
      const logLines = d.server.lines.length;
      const steps0 = await stepsOf(d);

      // The unreliable-input ring with a slot length of -1: @colyseus/schema 5.0.34 loops forever on it.
      rogue.room.connection.send(Uint8Array.from([20, 0, 255]));
      let seed = 13;
      const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
      for (let i = 0; i < 300; i++) {
        const frame = new Uint8Array(2 + (random() % 40)).map(random);
        frame[0] = [19, 20, 19 | 0x80, 20 | 0x80][i % 4]!;
        frame[1] = 0xff - (i % 16); // never an honest first field byte
        rogue.room.connection.send(frame);
      }
      for (let i = 0; i < 5; i++) {
        const res = await fetch(`${d.server.http}/health`, { signal: AbortSignal.timeout(1000) });
        assert.equal(res.status, 200);
        await sleep(100);
      }
      await sleep(300);
      assert.ok((await stepsOf(d)) > steps0 + 5, "the room keeps ticking");
      assert.ok(rogue.room.connection.isOpen, "bad frames under the strike limit do not close the client");

      const m = await scrape(d.server.http);
      assert.equal(sampleValue(m, "mxo_messages_total", { type: "input", result: "malformed" }), 301);
      const fresh = d.server.lines.slice(logLines);
      assert.deepEqual(
        fresh.filter((l) => /field not defined|definition mismatch|refId|Invalid byte|decode/i.test(l)),
        [],
      );
      assert.ok(
        fresh.filter((l) => l.includes("dropped malformed client frames")).length <= 1,
        "at most one summary line",
      );
      await normal.room.leave();
      await rogue.room.leave();
    });
  });

  describe("protocol abuse ends the session at once (no reconnection grace)", () => {
    let d: TestDeployment;
    // The default 20 s grace, a low rate: 30 strikes allowed, a 120 frames/s backstop.
    before(async () => (d = await deploy("postgres", { MAX_MESSAGES_PER_SECOND: "10" })));
    after(async () => d?.cleanup());

    const online = async (base: string) =>
      samplesOf(await scrape(base), "mxo_players_online").reduce((n, s) => n + s.value, 0);

    async function cutAndCount(send: (room: Room<any>) => void) {
      const normal = await joinDistrict(d.server.ws, await newPlayer(d.server.http));
      const player = await newPlayer(d.server.http);
      const rogue = await joinDistrict(d.server.ws, player);
      rogue.room.reconnection.enabled = false;
      let closed: number | undefined;
      rogue.room.onLeave((code: number) => (closed = code));
      await waitFor(() => me(normal.room) && me(rogue.room));
      const seated = await online(d.server.http);
      send(rogue.room);
      await waitFor(() => closed, { what: "rogue closed", timeoutMs: 5000 });
      // Within 3 s, far inside the 20 s grace: the seat and the count are gone, the character is free.
      await waitFor(async () => (await online(d.server.http)) === seated - 1, {
        what: "players online to drop",
        timeoutMs: 3000,
      });
      const again = await joinDistrict(d.server.ws, player);
      await waitFor(() => me(again.room), { what: "rejoin", timeoutMs: 3000 });
      await again.room.leave();
      await normal.room.leave();
      return closed;
    }

    it("repeated malformed frames: closed with 4110", async () => {
      const code = await cutAndCount((room) => {
        for (let i = 0; i < 40; i++) room.connection.send(Uint8Array.from([19, 0xff]));
      });
      assert.equal(code, 4110);
    });

    it("a flood of dropped frames that cost no strike (NaN inputs) past the same backstop: closed with 4110", async () => {
      const code = await cutAndCount((room) => {
        // moveX = NaN (float32, little-endian): well framed, so no strike, but dropped all the same.
        for (let i = 0; i < 300; i++)
          room.connection.send(Uint8Array.from([19, 0x81, 0x00, 0x00, 0xc0, 0x7f]));
      });
      assert.equal(code, 4110);
    });

    it("over Colyseus's frame-rate backstop: closed with 4002", async () => {
      const code = await cutAndCount((room) => {
        for (let i = 0; i < 400; i++) room.connection.send(Uint8Array.from([18]));
      });
      assert.equal(code, 4002);
    });
  });

  for (const transport of ["uws", "ws"] as const) {
    describe(`a frame over the max payload (${transport} transport)`, () => {
      let d: TestDeployment;
      before(function () {
        skipUnlessTransportServes(this, transport);
      });
      before(async () => (d = await deploy("postgres", { TRANSPORT: transport })));
      after(async () => d?.cleanup());

      it("cuts the client, whose seat and player count go at once", async () => {
        const normal = await joinDistrict(d.server.ws, await newPlayer(d.server.http));
        const rogue = await joinDistrict(d.server.ws, await newPlayer(d.server.http));
        rogue.room.reconnection.enabled = false;
        let closed: number | undefined;
        rogue.room.onLeave((code: number) => (closed = code));
        await waitFor(() => me(normal.room) && me(rogue.room));
        const count = async () =>
          samplesOf(await scrape(d.server.http), "mxo_players_online").reduce((n, s) => n + s.value, 0);
        assert.equal(await count(), 2);
        rogue.room.connection.send(new Uint8Array(20_000).fill(13));
        await waitFor(() => closed, { what: "rogue closed", timeoutMs: 5000 });
        await waitFor(async () => (await count()) === 1, { what: "players online to drop", timeoutMs: 3000 });
        assert.ok(normal.room.connection.isOpen);
        await normal.room.leave();
      });
    });
  }

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
