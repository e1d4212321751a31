/**
 * The measurement window of one side of one scenario: the server's CPU and
 * RSS (/proc), the bots' and this machine's CPU, the workers' counts, the
 * probe's tick and patch times and, for mxo, its /metrics before and after.
 */
import { scrape, type Scrape } from "../../test/helpers/metrics.js";
import { machineBusySeconds, procSample, type ProcSample } from "../lib/proc.js";
import type { WorkerMeasure } from "../lib/protocol.js";
import type { Scenario, Side } from "../lib/report.js";
import { sleep } from "../lib/stats.js";
import type { ProbeSnapshot } from "../probe.js";
import { endProgress, progress } from "./console.js";
import { args, FLOOR_SECONDS, SECONDS } from "./options.js";
import { probeCall, profileFile, type Running } from "./servers.js";
import { benchCpu, type Worker } from "./workers.js";

export interface Window {
  /** Server samples at the window's start and end. */
  cpu0: ProcSample;
  cpu1: ProcSample;
  /** CPU seconds of the bot workers and of this process at the start and end. */
  bench0: { workers: number; self: number };
  bench1: { workers: number; self: number };
  /** Busy CPU seconds of the whole machine at the start and end. */
  machine0: number;
  machine1: number;
  /** What each worker's bots counted. */
  measured: WorkerMeasure[];
  probe: ProbeSnapshot;
  /** mxo's /metrics at the start and end (mxo only). */
  before: Scrape | undefined;
  after: Scrape | undefined;
  /** The server's RSS after a GC at the end, bytes. */
  rssAfter: number;
}

export async function measureWindow(
  tag: string,
  kind: Side,
  scenario: Scenario,
  running: Running,
  workers: Worker[],
  clients: number,
): Promise<Window> {
  // The floor's probe times its send loop but cannot profile.
  const profiling = kind !== "floor";
  const before = kind === "mxo" ? await scrape(running.http) : undefined;
  await probeCall(running, "/reset");
  if (args.profile && profiling) await probeCall(running, "/profile/start");
  const cpu0 = procSample(running.server.pid);
  const bench0 = benchCpu(workers);
  const machine0 = machineBusySeconds();
  await Promise.all(workers.map((w) => w.request({ type: "measure-start", clients }, "measure-started")));
  const windowStart = performance.now();
  let last = cpu0;
  const windowSeconds = kind === "floor" ? FLOOR_SECONDS : SECONDS;
  while (performance.now() - windowStart < windowSeconds * 1000) {
    await sleep(Math.min(2000, windowSeconds * 1000 - (performance.now() - windowStart)));
    const now = procSample(running.server.pid);
    const pct = ((now.cpuSeconds - last.cpuSeconds) / ((now.at - last.at) / 1000)) * 100;
    last = now;
    progress(
      `${tag}: measuring ${((performance.now() - windowStart) / 1000).toFixed(0)}/${windowSeconds} s, server CPU ${pct.toFixed(0)} %, RSS ${(now.rssBytes / 2 ** 20).toFixed(0)} MB`,
    );
  }
  const measured = (
    await Promise.all(workers.map((w) => w.request({ type: "measure-stop" }, "measured")))
  ).map((m) => m.result);
  const cpu1 = procSample(running.server.pid);
  const bench1 = benchCpu(workers);
  const machine1 = machineBusySeconds();
  const probe = (await fetch(`${running.probe}/snapshot`).then((r) => r.json())) as ProbeSnapshot;
  if (args.profile && profiling) {
    await probeCall(
      running,
      `/profile/stop?file=${encodeURIComponent(profileFile(kind, scenario, "window"))}`,
    );
  }
  const after = kind === "mxo" ? await scrape(running.http) : undefined;
  await probeCall(running, "/gc");
  const rssAfter = procSample(running.server.pid).rssBytes;
  endProgress();
  return { cpu0, cpu1, bench0, bench1, machine0, machine1, measured, probe, before, after, rssAfter };
}
