/**
 * Measurement probe, preloaded into both benchmark servers (the plain
 * Colyseus baseline and mxo-server) through
 * `--import ./bench/lib/preloadProbe.mjs` (main thread only), so both are
 * timed by the same code:
 *
 * - tick time: every callback a room passes to `setFixedTimestep`, wall time
 *   around one step;
 * - patch time: every `Room#broadcastPatch` (encode the delta, filter it per
 *   client, hand the frames to the transport);
 * - bytes sent: whatever a room reports through `probeCounters` (the baseline
 *   room meters its clients like mxo-server's `meterClient`).
 *
 * It answers on 127.0.0.1:$BENCH_PROBE_PORT: `GET /reset` starts a window,
 * `GET /snapshot` returns the window's figures, `GET /gc` collects garbage
 * (with --expose-gc) before RSS is read; `GET /profile/start` and
 * `GET /profile/stop?file=<path>` CPU-profile the main thread in between
 * (V8's sampling profiler) into a .cpuprofile file, for Chrome DevTools or
 * bench/profileSummary.ts. It changes nothing else.
 */
import { writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { Session } from "node:inspector";
import { constants as perfConstants, PerformanceObserver } from "node:perf_hooks";
import { Room } from "@colyseus/core";
import { summarize, type DurationSummary } from "./lib/stats.js";

export type { DurationSummary };

/** Counters a room under test may feed (the baseline room does; mxo-server reports through /metrics). */
export const probeCounters = { bytesSent: 0, patchBytes: 0, inputsConsumed: 0 };

export interface ProbeSnapshot {
  seconds: number;
  tick: DurationSummary;
  patch: DurationSummary;
  /** Per patch cycle: the patch plus the steps run since the previous patch. */
  tickPlusPatch: DurationSummary;
  /** Garbage collection on the main thread over the window, and how much of the slowest 1 % of cycles it took. */
  gc?: GcSummary;
  counters: typeof probeCounters;
}

export interface GcSummary {
  minorMs: number;
  majorMs: number;
  count: number;
  maxPauseMs: number;
  /** Of the slowest 1 % of tick+patch cycles: the share of their time spent in GC pauses. */
  slowCyclesGcShare: number;
}

let ticks: number[] = [];
let patches: number[] = [];
let cycles: number[] = [];
/** The timed stretches (steps and patch) of each cycle, flat: cycle index, start, end; for the GC overlap. */
let spans: number[] = [];
let sinceLastPatch = 0;
/** GC pauses: start, duration, kind (perf_hooks constants), flat. */
let gcs: number[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gcs.push(e.startTime, e.duration, (e as { detail?: { kind?: number } }).detail?.kind ?? 0);
  }
}).observe({ entryTypes: ["gc"] });
let windowStart = performance.now();

type StepFn = Parameters<Room["setFixedTimestep"]>[0];
const proto = Room.prototype as unknown as {
  broadcastPatch: (this: Room) => boolean;
  setFixedTimestep: (this: Room, step: StepFn, ...rest: unknown[]) => void;
};

const originalPatch = proto.broadcastPatch;
proto.broadcastPatch = function (this: Room) {
  const t0 = performance.now();
  const result = originalPatch.call(this);
  const t1 = performance.now();
  const ms = t1 - t0;
  patches.push(ms);
  spans.push(cycles.length, t0, t1);
  cycles.push(ms + sinceLastPatch);
  sinceLastPatch = 0;
  return result;
};

const originalFixed = proto.setFixedTimestep;
proto.setFixedTimestep = function (this: Room, step: StepFn, ...rest: unknown[]) {
  const timed: StepFn = (ctx) => {
    const t0 = performance.now();
    step(ctx);
    const t1 = performance.now();
    const ms = t1 - t0;
    spans.push(cycles.length, t0, t1);
    ticks.push(ms);
    sinceLastPatch += ms;
  };
  return originalFixed.call(this, timed, ...rest);
};

function gcSummary(): GcSummary {
  let minorMs = 0;
  let majorMs = 0;
  let maxPauseMs = 0;
  for (let i = 0; i < gcs.length; i += 3) {
    const ms = gcs[i + 1]!;
    if (gcs[i + 2] === perfConstants.NODE_PERFORMANCE_GC_MINOR) minorMs += ms;
    else majorMs += ms;
    maxPauseMs = Math.max(maxPauseMs, ms);
  }
  // The slowest 1 % of cycles (at least one) and the GC pauses overlapping them.
  const order = cycles.map((_, i) => i).sort((a, b) => cycles[b]! - cycles[a]!);
  const slowest = new Set(order.slice(0, Math.max(1, Math.ceil(cycles.length / 100))));
  let slow = 0;
  let inGc = 0;
  for (let s = 0; s < spans.length; s += 3) {
    if (!slowest.has(spans[s]!)) continue;
    const from = spans[s + 1]!;
    const to = spans[s + 2]!;
    slow += to - from;
    for (let g = 0; g < gcs.length; g += 3) {
      inGc += Math.max(0, Math.min(to, gcs[g]! + gcs[g + 1]!) - Math.max(from, gcs[g]!));
    }
  }
  return {
    minorMs,
    majorMs,
    count: gcs.length / 3,
    maxPauseMs,
    slowCyclesGcShare: slow > 0 ? inGc / slow : 0,
  };
}

let profiler: Session | undefined;

function post(session: Session, method: string, params?: object): Promise<unknown> {
  return new Promise((resolve, reject) =>
    session.post(method, params, (err, result) => (err ? reject(err) : resolve(result))),
  );
}

async function startProfile(): Promise<void> {
  if (profiler) await post(profiler, "Profiler.stop").catch(() => {});
  profiler = new Session();
  profiler.connect();
  await post(profiler, "Profiler.enable");
  await post(profiler, "Profiler.setSamplingInterval", { interval: 500 });
  await post(profiler, "Profiler.start");
}

async function stopProfile(file: string): Promise<void> {
  if (!profiler) return;
  const { profile } = (await post(profiler, "Profiler.stop")) as { profile: unknown };
  writeFileSync(file, JSON.stringify(profile));
  profiler.disconnect();
  profiler = undefined;
}

const port = Number(process.env.BENCH_PROBE_PORT);
if (port > 0) {
  createServer((req, res) => {
    if (req.url === "/reset") {
      ticks = [];
      patches = [];
      cycles = [];
      spans = [];
      gcs = [];
      probeCounters.bytesSent = 0;
      probeCounters.patchBytes = 0;
      probeCounters.inputsConsumed = 0;
      windowStart = performance.now();
      res.end("{}");
    } else if (req.url === "/snapshot") {
      const snapshot: ProbeSnapshot = {
        seconds: (performance.now() - windowStart) / 1000,
        tick: summarize(ticks),
        patch: summarize(patches),
        tickPlusPatch: summarize(cycles),
        gc: gcSummary(),
        counters: { ...probeCounters },
      };
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(snapshot));
    } else if (req.url === "/gc") {
      // A full collection before the bench reads RSS, so garbage does not count as memory per client.
      (globalThis as { gc?: () => void }).gc?.();
      res.end("{}");
    } else if (req.url === "/profile/start") {
      startProfile().then(
        () => res.end("{}"),
        (err) => ((res.statusCode = 500), res.end(String(err))),
      );
    } else if (req.url?.startsWith("/profile/stop?file=")) {
      const file = decodeURIComponent(req.url.slice("/profile/stop?file=".length));
      stopProfile(file).then(
        () => res.end("{}"),
        (err) => ((res.statusCode = 500), res.end(String(err))),
      );
    } else {
      res.statusCode = 404;
      res.end();
    }
  })
    .listen(port, "127.0.0.1")
    .unref();
}
