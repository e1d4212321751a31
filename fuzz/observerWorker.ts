import { performance } from "node:perf_hooks";
import { parentPort, workerData } from "node:worker_threads";
import type { Room } from "@colyseus/sdk";
import { joinDistrict, newPlayer } from "../test/helpers/api.js";
import type { SeenState } from "./FuzzClient.js";
import type { ObserverReport, ObserverSettings, ObserverEvent } from "./Observer.js";

/**
 * Runs in a worker thread of its own, so the fuzzer's busy loop never delays
 * what it measures: it probes every server's /health every ~100 ms (each
 * probe in parallel, 1 s deadline) and keeps a few honest SDK clients walking
 * in the fuzzed room, timing the gaps between their state patches.
 */
const settings = workerData as ObserverSettings;
const port = parentPort!;
const post = (e: ObserverEvent) => port.postMessage(e);

const probe = {
  sent: 0,
  failures: 0,
  maxMs: 0,
  maxGapMs: 0,
  lastOk: new Map<string, number>(),
};
let stopping = false;
const honest = {
  clients: [] as {
    room: Room<unknown>;
    lastPatch: number;
    patches: number;
    left?: number;
    /** Path length walked while measuring, from the replicated positions. */
    walked: number;
    at?: { x: number; y: number };
  }[],
  maxGapMs: 0,
  measuring: false,
};

function probeOnce(base: string): void {
  const started = performance.now();
  probe.sent++;
  fetch(`${base}/health`, { signal: AbortSignal.timeout(settings.probeTimeoutMs) })
    .then(async (res) => {
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`status ${res.status}`);
      const now = performance.now();
      const ms = now - started;
      probe.maxMs = Math.max(probe.maxMs, ms);
      const last = probe.lastOk.get(base);
      if (last !== undefined) probe.maxGapMs = Math.max(probe.maxGapMs, now - last - settings.probeEveryMs);
      probe.lastOk.set(base, now);
      if (ms > settings.probeTimeoutMs) post({ type: "stall", what: "health", server: base, ms });
    })
    .catch((err: Error) => {
      probe.failures++;
      const ms = performance.now() - started;
      probe.maxMs = Math.max(probe.maxMs, ms);
      post({ type: "stall", what: "health", server: base, ms, error: err.message });
    });
}

async function startHonest(): Promise<void> {
  const server = settings.servers[0]!;
  for (let i = 0; i < settings.honestClients; i++) {
    const player = await newPlayer(server.http);
    const { room } = await joinDistrict(server.ws, player, settings.district);
    const entry: (typeof honest.clients)[number] = {
      room,
      lastPatch: performance.now(),
      patches: 0,
      walked: 0,
    };
    room.onStateChange(() => {
      const now = performance.now();
      const gap = now - entry.lastPatch;
      entry.lastPatch = now;
      entry.patches++;
      const me = (room.state as SeenState | undefined)?.players?.get(room.sessionId);
      if (me) {
        if (entry.at && honest.measuring) entry.walked += Math.hypot(me.x - entry.at.x, me.y - entry.at.y);
        entry.at = { x: me.x, y: me.y };
      }
      if (!honest.measuring) return;
      honest.maxGapMs = Math.max(honest.maxGapMs, gap);
      if (gap > settings.patchGapLimitMs)
        post({ type: "stall", what: "patch", server: server.http, ms: gap });
    });
    room.onLeave((code: number) => {
      if (stopping) return;
      entry.left = code;
      post({ type: "stall", what: "honest_left", server: server.http, ms: 0, error: `close ${code}` });
    });
    room.onMessage("*", () => {});
    honest.clients.push(entry);
  }
  // Each walks a slow circle (a quarter turn every ~4 s) around the arrival point, at 20 Hz like a real client.
  let seq = 0;
  setInterval(() => {
    seq++;
    honest.clients.forEach((c, i) => {
      if (c.left !== undefined) return;
      const a = seq / 50 + (i * Math.PI) / 2;
      const input = c.room.input<{ seq: number; moveX: number; moveY: number }>();
      Object.assign(input.data, { seq, moveX: Math.cos(a), moveY: Math.sin(a) });
      input.send();
    });
  }, 50);
}

port.on("message", (m: { type: "measure" } | { type: "stop" }) => {
  if (m.type === "measure") {
    honest.measuring = true;
    honest.maxGapMs = 0;
    probe.maxMs = 0;
    probe.maxGapMs = 0;
    probe.failures = 0;
    probe.sent = 0;
    for (const c of honest.clients) c.lastPatch = performance.now();
    return;
  }
  stopping = true;
  const report: ObserverReport = {
    probes: probe.sent,
    probeFailures: probe.failures,
    longestHealthMs: Math.round(probe.maxMs),
    longestHealthGapMs: Math.round(probe.maxGapMs),
    maxPatchGapMs: Math.round(honest.maxGapMs),
    honest: honest.clients.map((c) => ({
      patches: c.patches,
      left: c.left ?? null,
      walked: Math.round(c.walked),
    })),
  };
  post({ type: "report", report });
  for (const c of honest.clients) void c.room.leave().catch(() => {});
  setTimeout(() => process.exit(0), 200);
});

setInterval(() => {
  for (const s of settings.servers) probeOnce(s.http);
}, settings.probeEveryMs);

startHonest().then(
  () => post({ type: "ready" }),
  // fetch's own message is only "fetch failed": the reason (refused, reset, timeout) is its cause.
  (err: Error) => post({ type: "failed", error: `${err.stack ?? err.message}${causeOf(err)}` }),
);

function causeOf(err: Error): string {
  const cause = (err as Error & { cause?: unknown }).cause;
  if (cause === undefined) return "";
  return `\ncaused by: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`;
}
