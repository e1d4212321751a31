/**
 * One shard of the benchmark's bot load, run as a child process of
 * bench/scale.ts (IPC messages in ./protocol.ts).
 *
 * Most bots are raw: they reserve a seat over HTTP (`POST /matchmake/…`, as
 * the SDK does), open a bare WebSocket (./rawWs.ts: frame headers parsed,
 * payloads skipped), answer the JOIN_ROOM handshake and
 * then only count what arrives, reading nothing but the 8-byte TIMED prefix
 * of state frames, whose second word is the last input seq the server
 * consumed from this client: that is how delivered input is verified
 * without decoding. Their inputs are encoded by @colyseus/schema's
 * InputEncoder over the room's own `MoveInput`, exactly as `room.input()`
 * does. A few bots use the full SDK and decode the state, to check that what
 * arrives is right.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Client, type Room } from "@colyseus/sdk";
import { InputEncoder } from "@colyseus/schema/input";
import { MoveInput } from "../../schema/MoveInput.js";
import { RawWs } from "./rawWs.js";
import type { BotSpec, DecoderReport, FromWorker, JoinCommand, ToWorker, WorkerMeasure } from "./protocol.js";

const JOIN_ROOM = 10;
const ERROR = 11;
const ROOM_STATE = 14;
const ROOM_STATE_PATCH = 15;
const ROOM_INPUT_RELIABLE = 19;
const CODE_MASK = 0x1f;
const TIMED = 0x80;
const JOIN_TIMEOUT_MS = 30_000;

const send = (msg: FromWorker) => process.send!(msg);

interface Bot {
  spec: BotSpec;
  bytes: number;
  frames: number;
  patchFrames: number;
  patchBytes: number;
  inputsSent: number;
  /** Last consumed-input seq the server reported (TIMED prefix), -1 before any. */
  ack: number;
  ackAtStart: number;
  seq: number;
  phase: number;
  leaving: boolean;
  closed: boolean;
  sendInput(moveX: number, moveY: number): void;
  close(): void;
  decoder?: Decoder;
}

interface Decoder {
  room: Room<any>;
  report: DecoderReport;
  last?: { x: number; y: number; ack: number };
  ackStart?: number;
}

function readAck(bot: Bot, data: Uint8Array): void {
  const code = data[0]! & CODE_MASK;
  if ((data[0]! & TIMED) !== 0 && (code === ROOM_STATE || code === ROOM_STATE_PATCH) && data.length >= 9) {
    bot.ack = (data[5]! | (data[6]! << 8) | (data[7]! << 16) | (data[8]! << 24)) >>> 0;
  }
}

function newBot(spec: BotSpec): Bot {
  return {
    spec,
    bytes: 0,
    frames: 0,
    patchFrames: 0,
    patchBytes: 0,
    inputsSent: 0,
    ack: -1,
    ackAtStart: -1,
    seq: 0,
    phase: ((spec.index * 2654435761) % 1000) * ((2 * Math.PI) / 1000),
    leaving: false,
    closed: false,
    sendInput: () => {},
    close: () => {},
  };
}

const errors: string[] = [];
const noteError = (msg: string) => {
  if (errors.length < 20) errors.push(msg);
};

/** Seat reservation over HTTP, then a raw WebSocket; resolves with the join latency (until the full state arrived). */
async function joinRaw(cmd: JoinCommand, bot: Bot): Promise<number> {
  const { target } = cmd;
  const spec = bot.spec;
  const t0 = performance.now();
  const options =
    target.kind === "mxo"
      ? { district: "richland", characterId: spec.characterId }
      : { x: spec.x, y: spec.y, name: spec.name };
  const res = await fetch(`${target.http}/matchmake/joinOrCreate/${target.roomName}`, {
    method: "POST",
    headers: {
      accept: "application/json",
      "content-type": "application/json",
      ...(spec.token ? { authorization: `Bearer ${spec.token}` } : {}),
    },
    body: JSON.stringify(options),
  });
  const body = (await res.json()) as {
    roomId?: string;
    sessionId?: string;
    processId?: string;
    publicAddress?: string;
    error?: string;
    code?: number;
  };
  if (!res.ok || !body.roomId || !body.sessionId) {
    throw new Error(`matchmake ${res.status}: ${body.error ?? JSON.stringify(body)}`);
  }
  const base = body.publicAddress ? `ws://${body.publicAddress}` : target.ws;
  let url = `${base}/${body.processId}/${body.roomId}?sessionId=${body.sessionId}`;
  if (spec.token) url += `&_authToken=${spec.token}`;
  const encoder = new InputEncoder(new MoveInput());
  const input = encoder.instance;
  return new Promise<number>((resolve, reject) => {
    let joined = false;
    const ws: RawWs = new RawWs(
      url,
      {
        message(length, prefix) {
          bot.bytes += length;
          bot.frames++;
          const code = prefix[0]! & CODE_MASK;
          if (code === ROOM_STATE_PATCH) {
            bot.patchFrames++;
            bot.patchBytes += length;
          }
          readAck(bot, prefix);
          if (code === JOIN_ROOM) {
            ws.send(Uint8Array.of(JOIN_ROOM));
          } else if (code === ROOM_STATE && !joined) {
            joined = true;
            clearTimeout(timer);
            resolve(performance.now() - t0);
          } else if (code === ERROR) {
            noteError(`bot ${spec.index}: server error frame (${length} bytes)`);
          }
        },
        close(code, reason) {
          bot.closed = true;
          if (!joined) {
            clearTimeout(timer);
            reject(new Error(`closed (${code ?? "no code"}: ${reason}) before joining`));
          } else if (!bot.leaving) noteError(`bot ${spec.index}: closed with ${code}: ${reason}`);
        },
      },
      () => {},
    );
    const timer = setTimeout(() => {
      if (!joined) {
        ws.terminate();
        reject(new Error("join timed out"));
      }
    }, JOIN_TIMEOUT_MS);
    bot.sendInput = (moveX, moveY) => {
      if (!ws.isOpen) return;
      input.seq = ++bot.seq;
      input.moveX = moveX;
      input.moveY = moveY;
      const delta = encoder.encode();
      const frame = new Uint8Array(1 + delta.length);
      frame[0] = ROOM_INPUT_RELIABLE;
      frame.set(delta, 1);
      ws.send(frame);
      bot.inputsSent++;
    };
    bot.close = () => {
      bot.leaving = true;
      ws.close();
    };
  });
}

/** The full SDK, decoding state; resolves with the join latency (until the first state arrived). */
async function joinDecoding(cmd: JoinCommand, bot: Bot): Promise<number> {
  const { target } = cmd;
  const spec = bot.spec;
  const t0 = performance.now();
  const client = new Client(target.ws);
  if (spec.token) client.auth.token = spec.token;
  const options =
    target.kind === "mxo"
      ? { district: "richland", characterId: spec.characterId }
      : { x: spec.x, y: spec.y, name: spec.name };
  const room = await client.joinOrCreate(target.roomName, options);
  room.reconnection.enabled = false;
  room.onMessage("*", () => {});
  const events = (room as any).connection.events as { onmessage: (ev: { data: ArrayBuffer }) => void };
  const original = events.onmessage;
  events.onmessage = (ev) => {
    const data = new Uint8Array(ev.data);
    bot.bytes += data.byteLength;
    bot.frames++;
    if ((data[0]! & CODE_MASK) === ROOM_STATE_PATCH) {
      bot.patchFrames++;
      bot.patchBytes += data.byteLength;
    }
    readAck(bot, data);
    original(ev);
  };
  const input = room.input<{ seq: number; moveX: number; moveY: number }>();
  bot.sendInput = (moveX, moveY) => {
    input.data.seq = ++bot.seq;
    input.data.moveX = moveX;
    input.data.moveY = moveY;
    if (input.send()) bot.inputsSent++;
  };
  bot.close = () => {
    bot.leaving = true;
    void room.leave().catch(() => {});
  };
  room.onLeave((code: number) => {
    bot.closed = true;
    if (!bot.leaving) noteError(`decoder ${spec.index}: left with ${code}`);
  });
  bot.decoder = { room, report: emptyReport() };
  await new Promise<void>((resolve) => {
    if (room.state?.players?.get(room.sessionId)) return resolve();
    room.onStateChange.once(() => resolve());
  });
  return performance.now() - t0;
}

function emptyReport(): DecoderReport {
  return {
    samples: 0,
    ownMissing: 0,
    visibleMin: Infinity,
    visibleMax: 0,
    visibleMean: 0,
    notEveryone: 0,
    outOfRange: 0,
    overCap: 0,
    ackAdvance: 0,
    moved: 0,
    maxDriftFromSpawn: 0,
  };
}

let bots: Bot[] = [];
let target: JoinCommand["target"] | undefined;
let inputsPerSecond = 10;
let lapSeconds = 10;
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

/** Checks one decoding bot's view against what the target promises. */
function sampleDecoder(bot: Bot, connected: number): void {
  const d = bot.decoder!;
  const state = d.room.state as any;
  const r = d.report;
  const me = state?.players?.get(d.room.sessionId);
  r.samples++;
  if (!me) {
    r.ownMissing++;
    return;
  }
  const others = state.players.size - 1;
  r.visibleMin = Math.min(r.visibleMin, others);
  r.visibleMax = Math.max(r.visibleMax, others);
  r.visibleMean += (others - r.visibleMean) / r.samples;
  if (target!.expect.everyone && Math.abs(state.players.size - connected) > Math.max(2, connected * 0.02)) {
    r.notEveryone++;
  }
  if (target!.expect.maxDistance !== undefined) {
    const max2 = target!.expect.maxDistance ** 2;
    state.players.forEach((p: any, id: string) => {
      if (id !== d.room.sessionId && (p.x - me.x) ** 2 + (p.y - me.y) ** 2 > max2) r.outOfRange++;
    });
  }
  if (target!.expect.maxVisible !== undefined && others > target!.expect.maxVisible) r.overCap++;
  d.ackStart ??= me.ack as number;
  r.ackAdvance = me.ack - d.ackStart;
  if (d.last) r.moved += Math.hypot(me.x - d.last.x, me.y - d.last.y);
  d.last = { x: me.x, y: me.y, ack: me.ack };
  r.maxDriftFromSpawn = Math.max(r.maxDriftFromSpawn, Math.hypot(me.x - bot.spec.x, me.y - bot.spec.y));
}

// Inputs: ten buckets per input period, one bucket per timer slot, so sends are
// spread evenly; a late timer catches up instead of dropping inputs.
let bucketClock = 0;
let nextBucketAt = 0;
const BUCKETS = 10;
setInterval(() => {
  const period = 1000 / inputsPerSecond;
  const now = performance.now();
  if (nextBucketAt === 0) nextBucketAt = now;
  let guard = 0;
  while (now >= nextBucketAt && guard++ < BUCKETS * 5) {
    const b = bucketClock++ % BUCKETS;
    for (let i = b; i < bots.length; i += BUCKETS) {
      const bot = bots[i]!;
      if (bot.closed) continue;
      const t = (bot.seq + 1) / inputsPerSecond;
      const angle = bot.phase + (2 * Math.PI * t) / lapSeconds;
      bot.sendInput(Math.cos(angle), Math.sin(angle));
    }
    nextBucketAt += period / BUCKETS;
  }
}, 5);

let decoderTimer: NodeJS.Timeout | undefined;
let windowStart = 0;
let totalsAtStart = { bytes: 0, frames: 0, patchFrames: 0, patchBytes: 0, inputsSent: 0 };
const totals = () => {
  const t = { bytes: 0, frames: 0, patchFrames: 0, patchBytes: 0, inputsSent: 0 };
  for (const b of bots) {
    t.bytes += b.bytes;
    t.frames += b.frames;
    t.patchFrames += b.patchFrames;
    t.patchBytes += b.patchBytes;
    t.inputsSent += b.inputsSent;
  }
  return t;
};

async function handleJoin(cmd: JoinCommand): Promise<void> {
  target = cmd.target;
  inputsPerSecond = cmd.inputsPerSecond;
  lapSeconds = cmd.lapSeconds;
  const latencies: number[] = [];
  const failures: string[] = [];
  const progress = setInterval(
    () => send({ type: "progress", joined: latencies.length, failed: failures.length }),
    1000,
  );
  const attempts = cmd.bots.map(
    (spec, i) =>
      new Promise<void>((resolve) => {
        setTimeout(
          async () => {
            const bot = newBot(spec);
            try {
              const ms = await (spec.decode ? joinDecoding(cmd, bot) : joinRaw(cmd, bot));
              latencies.push(ms);
              bots.push(bot);
            } catch (err) {
              failures.push(`bot ${spec.index}: ${(err as Error).message}`);
            }
            resolve();
          },
          cmd.delayMs + i * cmd.intervalMs,
        );
      }),
  );
  await Promise.all(attempts);
  clearInterval(progress);
  send({ type: "joined", latenciesMs: latencies, failures });
}

process.on("message", (msg: ToWorker) => {
  switch (msg.type) {
    case "join":
      void handleJoin(msg).catch((err) => send({ type: "fatal", message: String(err?.stack ?? err) }));
      break;
    case "measure-start": {
      windowStart = performance.now();
      totalsAtStart = totals();
      for (const b of bots) {
        b.ackAtStart = b.ack;
        if (b.decoder) {
          b.decoder.report = emptyReport();
          b.decoder.last = undefined;
          b.decoder.ackStart = undefined;
        }
      }
      errors.length = 0;
      loopDelay.reset();
      decoderTimer = setInterval(() => {
        for (const b of bots) if (b.decoder && !b.closed) sampleDecoder(b, msg.clients);
      }, 500);
      send({ type: "measure-started" });
      break;
    }
    case "measure-stop": {
      clearInterval(decoderTimer);
      const seconds = (performance.now() - windowStart) / 1000;
      const t = totals();
      let acked = 0;
      let ackedBots = 0;
      for (const b of bots) {
        if (b.ackAtStart >= 0 && b.ack >= 0 && !b.closed) {
          acked += b.ack - b.ackAtStart;
          ackedBots++;
        }
      }
      const result: WorkerMeasure = {
        seconds,
        bots: bots.filter((b) => !b.closed).length,
        bytes: t.bytes - totalsAtStart.bytes,
        frames: t.frames - totalsAtStart.frames,
        patchFrames: t.patchFrames - totalsAtStart.patchFrames,
        patchBytes: t.patchBytes - totalsAtStart.patchBytes,
        inputsSent: t.inputsSent - totalsAtStart.inputsSent,
        acked,
        ackedBots,
        closedUnexpectedly: bots.filter((b) => b.closed && !b.leaving).length,
        errors: [...errors],
        decoders: bots
          .filter((b) => b.decoder)
          .map((b) => {
            const r = b.decoder!.report;
            return { ...r, visibleMin: Number.isFinite(r.visibleMin) ? r.visibleMin : 0 };
          }),
        loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
      };
      send({ type: "measured", result });
      break;
    }
    case "leave": {
      for (const b of bots) b.close();
      setTimeout(() => {
        bots = [];
        send({ type: "left" });
      }, 500);
      break;
    }
  }
});

process.on("disconnect", () => process.exit(0));
