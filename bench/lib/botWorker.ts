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
 *
 * The joins are in ./botJoin.ts, the walking in ./botWalk.ts, the decoding
 * bots' checks in ./decoderCheck.ts; this file holds the worker's bots and
 * answers scale.ts's commands (join, measure, leave).
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { newBot } from "./bot.js";
import { joinDecoding, joinRaw } from "./botJoin.js";
import { startWalking, type Walk } from "./botWalk.js";
import { emptyReport, sampleDecoder } from "./decoderCheck.js";
import type { FromWorker, JoinCommand, ToWorker, WorkerMeasure } from "./protocol.js";

const send = (msg: FromWorker) => process.send!(msg);

const errors: string[] = [];
const noteError = (msg: string) => {
  if (errors.length < 20) errors.push(msg);
};

/** This worker's joined bots, walking from the start (none until the first join). */
const walk: Walk = { bots: [], inputsPerSecond: 10, lapSeconds: 10 };
let target: JoinCommand["target"] | undefined;
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
startWalking(walk);

let decoderTimer: NodeJS.Timeout | undefined;
let windowStart = 0;
let totalsAtStart = { bytes: 0, frames: 0, patchFrames: 0, patchBytes: 0, inputsSent: 0 };
const totals = () => {
  const t = { bytes: 0, frames: 0, patchFrames: 0, patchBytes: 0, inputsSent: 0 };
  for (const b of walk.bots) {
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
  walk.inputsPerSecond = cmd.inputsPerSecond;
  walk.lapSeconds = cmd.lapSeconds;
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
              const ms = await (spec.decode
                ? joinDecoding(cmd, bot, noteError)
                : joinRaw(cmd, bot, noteError));
              latencies.push(ms);
              walk.bots.push(bot);
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
      for (const b of walk.bots) {
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
        for (const b of walk.bots) if (b.decoder && !b.closed) sampleDecoder(b, msg.clients, target!.expect);
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
      for (const b of walk.bots) {
        if (b.ackAtStart >= 0 && b.ack >= 0 && !b.closed) {
          acked += b.ack - b.ackAtStart;
          ackedBots++;
        }
      }
      const result: WorkerMeasure = {
        seconds,
        bots: walk.bots.filter((b) => !b.closed).length,
        bytes: t.bytes - totalsAtStart.bytes,
        frames: t.frames - totalsAtStart.frames,
        patchFrames: t.patchFrames - totalsAtStart.patchFrames,
        patchBytes: t.patchBytes - totalsAtStart.patchBytes,
        inputsSent: t.inputsSent - totalsAtStart.inputsSent,
        acked,
        ackedBots,
        closedUnexpectedly: walk.bots.filter((b) => b.closed && !b.leaving).length,
        errors: [...errors],
        decoders: walk.bots
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
      for (const b of walk.bots) b.close();
      setTimeout(() => {
        walk.bots = [];
        send({ type: "left" });
      }, 500);
      break;
    }
  }
});

process.on("disconnect", () => process.exit(0));
