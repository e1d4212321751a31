/** One side's figures (../lib/report.ts's SideResult) from its joins, its window and the server's RSS before the joins. */
import { samplesOf, type Scrape } from "../../test/helpers/metrics.js";
import type { WorkerMeasure } from "../lib/protocol.js";
import type { Side, SideResult } from "../lib/report.js";
import { percentile } from "../lib/stats.js";
import type { Joins } from "./joins.js";
import { DISTRICT, INPUT_RATE } from "./options.js";
import type { Window } from "./window.js";

/** Upper bound (ms) of the histogram bucket holding quantile `q` of what was observed between two scrapes. */
function histogramBound(before: Scrape, after: Scrape, name: string, q: number): number | null {
  const bucket = (s: Scrape) =>
    samplesOf(s, `${name}_bucket`).filter(
      (x) => x.labels.district === DISTRICT || x.labels.district === undefined,
    );
  const prev = new Map(bucket(before).map((b) => [b.labels.le, b.value]));
  const rows = bucket(after)
    .map((b) => ({ le: Number(b.labels.le), n: b.value - (prev.get(b.labels.le) ?? 0) }))
    .sort((a, b) => a.le - b.le);
  const total = rows.at(-1)?.n ?? 0;
  if (total === 0) return null;
  const hit = rows.find((r) => r.n >= q * total);
  return hit && Number.isFinite(hit.le) ? hit.le * 1000 : null;
}

function counter(s: Scrape, name: string): number {
  return samplesOf(s, name)
    .filter((x) => x.labels.district === DISTRICT)
    .reduce((a, b) => a + b.value, 0);
}

export function sideResult(
  kind: Side,
  joins: Joins,
  window: Window,
  rssBefore: number,
  floorBytes: number,
): SideResult {
  const { latencies, failures } = joins;
  const { cpu0, cpu1, bench0, bench1, machine0, machine1, measured, probe, before, after, rssAfter } = window;
  const seconds = (cpu1.at - cpu0.at) / 1000;
  const clients = measured.reduce((a, m) => a + m.bots, 0);
  const cpuSeconds = cpu1.cpuSeconds - cpu0.cpuSeconds;
  const ticks = probe.tick.n;
  const perClientSec = (f: (m: WorkerMeasure) => number) =>
    measured.reduce((a, m) => a + f(m) / m.seconds, 0) / Math.max(1, clients);
  const sum = (f: (m: WorkerMeasure) => number) => measured.reduce((a, m) => a + f(m), 0);
  const ackedBots = sum((m) => m.ackedBots);
  const serverBytes =
    kind === "mxo" && before && after
      ? counter(after, "mxo_bytes_sent_total") - counter(before, "mxo_bytes_sent_total")
      : probe.counters.bytesSent;
  const result: SideResult = {
    clients,
    joinFailures: failures.length,
    joinFailureSamples: failures.slice(0, 5),
    seconds,
    serverCpuPercent: (cpuSeconds / seconds) * 100,
    cpuPerClientTickUs: ticks > 0 ? (cpuSeconds / Math.max(1, clients * ticks)) * 1e6 : NaN,
    cpuPerClientPatchUs:
      (cpuSeconds /
        Math.max(
          1,
          sum((m) => m.frames),
        )) *
      1e6,
    ticks,
    bytesPerClientPerSec: perClientSec((m) => m.bytes),
    writesPerClientPerSec: perClientSec((m) => m.frames),
    patchesPerClientPerSec: perClientSec((m) => m.patchFrames),
    meanPatchBytes: sum((m) => m.patchBytes) / sum((m) => m.patchFrames),
    ...(kind === "floor" ? { floorFrameBytes: floorBytes } : {}),
    serverBytesPerClientPerSec: serverBytes / Math.max(1, clients) / probe.seconds,
    tick: probe.tick,
    patch: probe.patch,
    tickPlusPatch: probe.tickPlusPatch,
    ...(probe.gc ? { gc: probe.gc } : {}),
    rssBeforeMb: rssBefore / 2 ** 20,
    rssAfterMb: rssAfter / 2 ** 20,
    rssPerClientKb: (rssAfter - rssBefore) / 1024 / Math.max(1, clients),
    joinMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: Math.max(...latencies) },
    inputs: {
      intendedPerSec: INPUT_RATE,
      sentPerSec: perClientSec((m) => m.inputsSent),
      consumedPerSec: measured.reduce((a, m) => a + m.acked / m.seconds, 0) / Math.max(1, ackedBots),
      ackedBots,
    },
    decoders: measured.flatMap((m) => m.decoders),
    closedUnexpectedly: measured.reduce((a, m) => a + m.closedUnexpectedly, 0),
    loadgenLoopDelayP99Ms: Math.max(...measured.map((m) => m.loopDelayP99Ms)),
    loadgenCpuPercent: ((bench1.workers - bench0.workers) / seconds) * 100,
    otherCpuPercent: Math.max(
      0,
      ((machine1 - machine0 - cpuSeconds - (bench1.workers - bench0.workers) - (bench1.self - bench0.self)) /
        seconds) *
        100,
    ),
    errors: measured.flatMap((m) => m.errors).slice(0, 10),
  };
  if (kind === "mxo" && before && after) {
    result.metricsTick = {
      p50UpperMs: histogramBound(before, after, "mxo_tick_duration_seconds", 0.5),
      p99UpperMs: histogramBound(before, after, "mxo_tick_duration_seconds", 0.99),
      count:
        counter(after, "mxo_tick_duration_seconds_count") -
        counter(before, "mxo_tick_duration_seconds_count"),
      overruns: counter(after, "mxo_tick_overruns_total") - counter(before, "mxo_tick_overruns_total"),
    };
  }
  return result;
}
