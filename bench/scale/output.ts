/**
 * The run's output: the JSON (options, every scenario's figures, issue 16's
 * targets, the phases' wall times, the table) to --out or
 * bench/results/<timestamp>.json, then the table and targets on the console.
 */
import { cpus } from "node:os";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { PATCH_RATE, TICK_RATE } from "../baseline/BaselineRoom.js";
import { renderTable, renderTargets, targets, type ScenarioResult } from "../lib/report.js";
import {
  args,
  DB_MODE,
  DECODERS,
  FLOOR_BYTES,
  FLOOR_SECONDS,
  FLOOR_WORK_FIRST,
  FLOOR_WORK_US,
  INPUT_RATE,
  JOIN_RATE,
  MXO_ENV,
  MXO_ROOT,
  ROOT,
  JOIN_PHASES,
  SECONDS,
  SERVER_CPUS,
  SHORT,
  SIDES,
  WARMUP,
  WORKERS,
} from "./options.js";
import { phases } from "./phases.js";

/** The options as the JSON records them. */
function optionsRecord() {
  return {
    short: SHORT,
    seconds: SECONDS,
    floorSeconds: FLOOR_SECONDS,
    warmup: WARMUP,
    workers: WORKERS,
    decoders: DECODERS,
    joinRate: JOIN_RATE,
    inputRate: INPUT_RATE,
    tickRate: TICK_RATE,
    patchRate: Number(MXO_ENV.PATCH_RATE ?? PATCH_RATE),
    sides: SIDES,
    floorBytes: FLOOR_BYTES ?? null,
    floorWorkUs: FLOOR_WORK_US,
    floorWorkFirst: FLOOR_WORK_FIRST,
    mxoEnv: MXO_ENV,
    mxoRoot: MXO_ROOT,
    database: DB_MODE,
    serverCpus: SERVER_CPUS ?? null,
    joinPhases: JOIN_PHASES,
  };
}

export function writeResults(rows: ScenarioResult[], startedAt: Date): void {
  const table = renderTable(rows);
  const checks = targets(rows, JOIN_RATE);
  const out = {
    at: startedAt.toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
    options: optionsRecord(),
    scenarios: rows,
    targets: checks,
    phases,
    table,
  };
  const file = resolve(
    args.out ?? join(ROOT, "bench/results", `${startedAt.toISOString().replace(/[:.]/g, "-")}.json`),
  );
  mkdirSync(resolve(file, ".."), { recursive: true });
  writeFileSync(file, JSON.stringify(out, null, 2) + "\n");
  console.log("\n" + table + "\n");
  if (checks.length) console.log(renderTargets(checks));
  const busiest = Math.max(
    ...rows.flatMap((r) => [r.baseline, r.mxo, r.floor]).map((r) => r?.otherCpuPercent ?? 0),
  );
  if (busiest > 25) {
    console.log(
      `\nnote: other processes used up to ${busiest.toFixed(0)} % of a core during a window; ` +
        "on a shared machine the figures (timings most of all) are noisy: re-run on a quiet one.",
    );
  }
  console.log(`\nwritten to ${file}`);
}
