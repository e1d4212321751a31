/**
 * Interest management benchmark: plain Colyseus 0.18 (bench/baseline/) against
 * mxo-server, and both against the floor (bench/floor/), on this machine,
 * under the same bot load.
 *
 *   npm run bench                      # 200 / 500 / 1000 clients spread over a district + a dense crowd
 *   npm run bench -- --short           # CI: 100 clients, 10 s per side (5 s for the floor)
 *   npm run bench -- --sizes 300 --dense 0 --seconds 15 --side mxo,floor
 *   npm run bench -- --sizes 1000 --dense 0 --side mxo --join-phases --server-cpus 0
 *
 * For each scenario it starts a fresh server process per side (mxo-server
 * with its embedded database, as `npm start` runs it, and the baseline on the
 * same uWebSockets.js transport), both with bench/probe.ts preloaded to time
 * ticks and patches identically; then the floor, a bare uWebSockets.js
 * server writing each client one frame of mxo's mean patch size per patch
 * (or `--floor-bytes N`). Bots run in worker processes (most count bytes
 * without decoding, a few decode and check the state), join at
 * `--join-rate` per second, each sends `--input-rate` inputs per second while
 * walking a small circle around its place, and after a warm-up the window
 * measures: server CPU per client-tick and per frame received and RSS per
 * client (/proc), bytes and socket writes per client per second (received
 * by the bots), tick and patch time p50/p99, join latency, and whether the
 * intended input rate was really consumed (the server's per-client input
 * ack in every state frame).
 *
 * `--join-phases` has mxo export its spans to the bench, which prints where
 * each join's time went (./lib/joinPhases.ts; tracing's own cost included).
 * `--server-cpus 0` pins the servers to CPU 0 and the bench and its bots to
 * the others: the figures of a server with a core of its own.
 *
 * Prints progress, a table (baseline | mxo | floor, mxo ÷ baseline and
 * mxo ÷ floor) and issue 16's targets (./lib/report.ts), and writes JSON to
 * bench/results/<timestamp>.json (or `--out`).
 *
 * This file is the run's outline; its parts are in ./scale/: the command line
 * (options.ts), scenarios and layouts, the bot workers, the three sides'
 * servers, mxo's accounts and characters (players.ts), one side of one
 * scenario (runSide.ts: joins.ts, window.ts, sideResult.ts), and the output.
 */
import { cpus, tmpdir } from "node:os";
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { createTestDatabase } from "../test/helpers/postgres.js";
import type { ScenarioResult, SideResult } from "./lib/report.js";
import { otherCpus, pinToCpus } from "./lib/proc.js";
import { log } from "./scale/console.js";
import {
  DB_MODE,
  DECODERS,
  DEFAULT_FLOOR_BYTES,
  FLOOR_BYTES,
  INPUT_RATE,
  JOIN_RATE,
  SECONDS,
  SERVER_CPUS,
  SIDES,
  WARMUP,
  WORKERS,
} from "./scale/options.js";
import { writeResults } from "./scale/output.js";
import { timed } from "./scale/phases.js";
import { createPlayers } from "./scale/players.js";
import { runSide, type RunContext } from "./scale/runSide.js";
import { layout, scenarios as scenarioList } from "./scale/scenarios.js";
import { startWorkers, stopWorkers } from "./scale/workers.js";

export type { SideResult };

async function main() {
  const scenarios = scenarioList();
  const maxClients = Math.max(...scenarios.map((s) => s.clients));
  const startedAt = new Date();
  log(
    `bench: ${scenarios.map((s) => s.name).join(", ")}; sides ${SIDES.join(" + ")}; ${SECONDS} s windows after ${WARMUP} s warm-up; ` +
      `${WORKERS} bot workers, ${DECODERS} decoding bots; joins at ${JOIN_RATE}/s; ${INPUT_RATE} inputs/s per bot; ` +
      `${cpus().length} cores, Node ${process.version}`,
  );
  // Before the bot workers fork: they inherit the bench's CPUs.
  if (SERVER_CPUS !== undefined) pinToCpus(process.pid, otherCpus(SERVER_CPUS));
  const dataDir = mkdtempSync(join(tmpdir(), "mxo-bench-"));
  const scratchDb = DB_MODE === "postgres" && SIDES.includes("mxo") ? await createTestDatabase() : undefined;
  const data = { dataDir, databaseUrl: scratchDb?.url };
  const workers = startWorkers(WORKERS);
  const rows: ScenarioResult[] = [];
  try {
    const players = SIDES.includes("mxo")
      ? await timed("[setup] accounts and characters", () => createPlayers(data, maxClients))
      : [];
    const context: RunContext = { workers, players, data };
    for (const scenario of scenarios) {
      const spots = layout(scenario);
      const row: ScenarioResult = { scenario };
      for (const side of SIDES) {
        // The floor writes frames of the size mxo's patches had in this scenario, unless told otherwise.
        const mxoPatch = row.mxo?.meanPatchBytes;
        const floorBytes =
          FLOOR_BYTES ??
          (mxoPatch !== undefined && Number.isFinite(mxoPatch) ? mxoPatch : DEFAULT_FLOOR_BYTES);
        row[side] = await runSide(side, scenario, spots, Math.round(floorBytes), context);
      }
      rows.push(row);
    }
  } finally {
    stopWorkers(workers);
    rmSync(dataDir, { recursive: true, force: true });
    await scratchDb?.drop();
  }
  writeResults(rows, startedAt);
  process.exit(0);
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
