/**
 * The benchmark's floor: a bare uWebSockets.js server that does the least a
 * game server must — accept the bots, read their inputs, and write each of
 * them one binary frame per patch — and nothing else (no room, no state, no
 * encoding, no game). Its CPU per frame is the physical limit the other two
 * sides are measured against.
 *
 * It answers just enough of the Colyseus protocol for the benchmark's raw
 * bots (bench/lib/botWorker.ts) to join unchanged: `POST
 * /matchmake/joinOrCreate/<room>` hands out a seat, the WebSocket gets a
 * JOIN_ROOM byte, and the bot's JOIN_ROOM answer is met with a ROOM_STATE
 * frame (the bot's "joined"). From then on, every `1000 / PATCH_RATE` ms,
 * each joined client gets one ROOM_STATE_PATCH frame of `FLOOR_FRAME_BYTES`
 * bytes (the mean patch size mxo sent in the same run), written with the
 * same `ws.send(data, true, false)` the Colyseus transport uses. Frames carry
 * the TIMED prefix whose second word the bots read as their input ack: here
 * the number of input messages received from that client, so "inputs
 * consumed" reads as inputs that reached the server (the floor applies none).
 *
 * Same transport options as src/framework/server/transport.ts. Started by
 * bench/scale.ts as `node --expose-gc --import tsx bench/floor/server.ts` with
 * PORT, BENCH_PROBE_PORT, PATCH_RATE and FLOOR_FRAME_BYTES (and FLOOR_WORK_US,
 * FLOOR_WORK_FIRST: busy work per client per patch, before each write or all
 * of it before the first, to show what work between writes does to them); prints
 * "floor listening" when ready. The probe port answers `/reset`,
 * `/snapshot` (the send loop timed as the "patch"; no ticks) and `/gc`,
 * like bench/probe.ts does for the other sides.
 */
import { createServer } from "node:http";
import type { WebSocket } from "uWebSockets.js";
import { loadRealUws } from "../../src/framework/server/uwsCheck.js";
import { summarize } from "../lib/stats.js";
import type { ProbeSnapshot } from "../probe.js";

const JOIN_ROOM = 10;
const ROOM_STATE = 14;
const ROOM_STATE_PATCH = 15;
const ROOM_INPUT_RELIABLE = 19;
const TIMED = 0x80;
/** The bots read the ack from bytes 5–8 of a TIMED frame. */
const MIN_FRAME_BYTES = 9;

const port = Number(process.env.PORT ?? 2591);
const probePort = Number(process.env.BENCH_PROBE_PORT ?? 0);
const patchRate = Number(process.env.PATCH_RATE ?? 20);
const workUs = Math.max(0, Number(process.env.FLOOR_WORK_US ?? 0));
const workFirst = process.env.FLOOR_WORK_FIRST === "1";
const frameBytes = Math.max(MIN_FRAME_BYTES, Math.round(Number(process.env.FLOOR_FRAME_BYTES ?? 80)));

interface Seat {
  /** This client's frame, allocated once: only its ack word changes between patches. */
  frame: Uint8Array;
  inputs: number;
  joined: boolean;
}

const loaded = await loadRealUws();
if (!loaded.uws) {
  // The floor is uWebSockets.js's cost by definition; a ws fallback would measure something else.
  console.error(`floor: no usable uWebSockets.js: ${loaded.reason}`);
  process.exit(1);
}
const uws = (await import("uWebSockets.js")).default;

const joined = new Set<WebSocket<Seat>>();
let nextSession = 0;
const counters = { bytesSent: 0, patchBytes: 0, inputsConsumed: 0 };
let sends: number[] = [];
let windowStart = performance.now();

const app = uws.App();
app.post("/matchmake/joinOrCreate/:room", (res) => {
  let aborted = false;
  res.onAborted(() => (aborted = true));
  // The body (join options) is read and ignored: every seat is the same.
  res.onData((_chunk, last) => {
    if (!last || aborted) return;
    const seat = { roomId: "floor", processId: "floor", sessionId: `s${++nextSession}` };
    res.cork(() => res.writeHeader("content-type", "application/json").end(JSON.stringify(seat)));
  });
});
app.ws<Seat>("/*", {
  compression: uws.DISABLED,
  maxPayloadLength: 16 * 1024,
  idleTimeout: 60,
  maxBackpressure: 1024 * 1024,
  sendPingsAutomatically: true,
  upgrade: (res, req, context) => {
    const frame = new Uint8Array(frameBytes);
    frame[0] = ROOM_STATE_PATCH | TIMED;
    res.upgrade<Seat>(
      { frame, inputs: 0, joined: false },
      req.getHeader("sec-websocket-key"),
      req.getHeader("sec-websocket-protocol"),
      req.getHeader("sec-websocket-extensions"),
      context,
    );
  },
  open: (ws) => {
    ws.send(Uint8Array.of(JOIN_ROOM), true, false);
  },
  message: (ws, message) => {
    const code = new Uint8Array(message, 0, Math.min(1, message.byteLength))[0];
    const seat = ws.getUserData();
    if (code === ROOM_INPUT_RELIABLE) {
      seat.inputs++;
      counters.inputsConsumed++;
    } else if (code === JOIN_ROOM && !seat.joined) {
      seat.joined = true;
      const state = new Uint8Array(frameBytes);
      state[0] = ROOM_STATE;
      ws.send(state, true, false);
      joined.add(ws);
    }
  },
  close: (ws) => {
    joined.delete(ws);
  },
});

setInterval(() => {
  const t0 = performance.now();
  if (workFirst) busy(workUs * joined.size);
  for (const ws of joined) {
    const seat = ws.getUserData();
    const f = seat.frame;
    const ack = seat.inputs;
    f[5] = ack & 0xff;
    f[6] = (ack >>> 8) & 0xff;
    f[7] = (ack >>> 16) & 0xff;
    f[8] = (ack >>> 24) & 0xff;
    if (!workFirst) busy(workUs);
    ws.send(f, true, false);
  }
  sends.push(performance.now() - t0);
  counters.bytesSent += joined.size * frameBytes;
  counters.patchBytes += joined.size * frameBytes;
}, 1000 / patchRate);

/** Spins for `us` µs: stands for the work a server does per client (its encode). */
function busy(us: number): void {
  if (us <= 0) return;
  const until = performance.now() + us / 1000;
  while (performance.now() < until);
}

app.listen("127.0.0.1", port, (socket) => {
  if (!socket) {
    console.error(`floor: cannot listen on 127.0.0.1:${port}`);
    process.exit(1);
  }
  console.log(JSON.stringify({ msg: "floor listening", port, pid: process.pid, frameBytes, patchRate }));
});

if (probePort > 0) {
  createServer((req, res) => {
    if (req.url === "/reset") {
      sends = [];
      counters.bytesSent = counters.patchBytes = counters.inputsConsumed = 0;
      windowStart = performance.now();
      res.end("{}");
    } else if (req.url === "/snapshot") {
      const patch = summarize(sends);
      const snapshot: ProbeSnapshot = {
        seconds: (performance.now() - windowStart) / 1000,
        // No simulation: the send loop is the whole cycle.
        tick: summarize([]),
        patch,
        tickPlusPatch: patch,
        counters: { ...counters },
      };
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(snapshot));
    } else if (req.url === "/gc") {
      (globalThis as { gc?: () => void }).gc?.();
      res.end("{}");
    } else {
      res.statusCode = 404;
      res.end();
    }
  })
    .listen(probePort, "127.0.0.1")
    .unref();
}

process.on("SIGTERM", () => process.exit(0));
process.on("SIGINT", () => process.exit(0));
