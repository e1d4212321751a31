/**
 * One side of one scenario, on a fresh server: (mxo) place the characters,
 * start the server, let it settle, join the bots (./joins.ts), warm up,
 * measure the window (./window.ts), turn it into figures (./sideResult.ts),
 * send the bots away and stop the server; each step's wall time goes to
 * ./phases.ts.
 */
import { procSample } from "../lib/proc.js";
import { fmtBytes, fmtMs, type Scenario, type Side, type SideResult } from "../lib/report.js";
import { sleep } from "../lib/stats.js";
import { log, progress } from "./console.js";
import { joinBots } from "./joins.js";
import { formatJoinPhases, joinPhases } from "../lib/joinPhases.js";
import { startOtlpReceiver } from "../../test/helpers/otlpReceiver.js";
import { INPUT_RATE, JOIN_PHASES, SHORT, WARMUP } from "./options.js";
import { notePhase, timed } from "./phases.js";
import { placeCharacters, type BenchPlayer } from "./players.js";
import { probeCall, startBaseline, startFloor, startMxo, type MxoData } from "./servers.js";
import { sideResult } from "./sideResult.js";
import { measureWindow } from "./window.js";
import type { Worker } from "./workers.js";

/** What every side of every scenario shares: the bot workers, and mxo's characters and data. */
export interface RunContext {
  workers: Worker[];
  players: BenchPlayer[];
  data: MxoData;
}

export async function runSide(
  kind: Side,
  scenario: Scenario,
  spots: { x: number; y: number }[],
  floorBytes: number,
  { workers, players, data }: RunContext,
): Promise<SideResult> {
  const tag = `[${scenario.name}] ${kind}`;
  if (kind === "mxo") {
    await timed(`${tag}: place characters`, () =>
      placeCharacters(data, players.slice(0, scenario.clients), spots),
    );
  }
  const receiver = JOIN_PHASES && kind === "mxo" ? await startOtlpReceiver() : undefined;
  const running = await timed(`${tag}: start server`, () =>
    kind === "mxo"
      ? startMxo(data, receiver?.endpoint)
      : kind === "floor"
        ? startFloor(floorBytes)
        : startBaseline(),
  );
  const t0 = performance.now();
  try {
    await sleep(SHORT ? 500 : 2000);
    await probeCall(running, "/gc");
    const rssBefore = procSample(running.server.pid).rssBytes;
    const joins = await joinBots(tag, kind, scenario, running, workers, spots, players);
    progress(`${tag}: ${joins.latencies.length}/${scenario.clients} joined, warming up ${WARMUP} s`);
    await sleep(WARMUP * 1000);
    // The warm-up outlasts the exporter's 1 s batches: the joins' spans are in.
    const phases = receiver ? joinPhases(receiver.spans) : undefined;
    if (phases) log(formatJoinPhases(tag, phases));
    if (receiver) receiver.spans.length = 0;

    const window = await measureWindow(tag, kind, scenario, running, workers, joins.latencies.length);
    const result = { ...sideResult(kind, joins, window, rssBefore, floorBytes), joinPhases: phases };
    log(
      `${tag}: ${result.clients} clients, CPU ${result.serverCpuPercent.toFixed(1)} % (${result.cpuPerClientPatchUs.toFixed(2)} µs/client-patch), ` +
        `${fmtBytes(result.bytesPerClientPerSec)}/client/s in ${result.writesPerClientPerSec.toFixed(1)} writes, tick p99 ${fmtMs(result.tick.p99Ms)}, patch p99 ${fmtMs(result.patch.p99Ms)}, ` +
        `inputs ${result.inputs.consumedPerSec.toFixed(2)}/s consumed of ${INPUT_RATE}; ` +
        `bots ${result.loadgenCpuPercent.toFixed(0)} % CPU, other processes ${result.otherCpuPercent.toFixed(0)} %`,
    );
    await Promise.all(workers.map((w) => w.request({ type: "leave" }, "left")));
    return result;
  } finally {
    notePhase(`${tag}: joins, warm-up, window`, t0);
    await timed(`${tag}: stop server`, () => running.server.stop());
    await receiver?.close();
  }
}
