/**
 * What bench/scale.ts measures per side and how it prints it: the results'
 * shape, the table (baseline | mxo | floor, with mxo ÷ baseline and
 * mxo ÷ floor) and issue 16's targets, each PASS or MISS.
 */
import type { JoinPhases } from "./joinPhases.js";
import type { ProbeSnapshot } from "../probe.js";
import type { WorkerMeasure } from "./protocol.js";

export type Side = "baseline" | "mxo" | "floor";

export interface Scenario {
  name: string;
  clients: number;
  layout: "spread" | "dense";
}

export interface SideResult {
  clients: number;
  joinFailures: number;
  joinFailureSamples: string[];
  seconds: number;
  serverCpuPercent: number;
  /** NaN (null in JSON) for the floor, which runs no ticks. */
  cpuPerClientTickUs: number;
  /**
   * Server CPU ÷ WebSocket messages the bots received: the cost of one socket
   * write with all the work behind it. Fairer than per tick when a saturated
   * server patches less often, and comparable with the floor.
   */
  cpuPerClientPatchUs: number;
  ticks: number;
  bytesPerClientPerSec: number;
  /** WebSocket messages received per client per second: the server's socket writes. */
  writesPerClientPerSec: number;
  patchesPerClientPerSec: number;
  /** Mean size of a ROOM_STATE_PATCH message as received (mxo's is what the floor then sends). */
  meanPatchBytes: number;
  /** The floor only: the frame size it was told to send. */
  floorFrameBytes?: number;
  serverBytesPerClientPerSec: number | null;
  tick: ProbeSnapshot["tick"];
  patch: ProbeSnapshot["patch"];
  tickPlusPatch: ProbeSnapshot["tickPlusPatch"];
  /** Main-thread GC over the window (the probe's; not the floor's). */
  gc?: ProbeSnapshot["gc"];
  /** mxo only: the same window read from /metrics (histogram bucket upper bounds). */
  metricsTick?: { p50UpperMs: number | null; p99UpperMs: number | null; count: number; overruns: number };
  rssBeforeMb: number;
  rssAfterMb: number;
  rssPerClientKb: number;
  joinMs: { p50: number; p99: number; max: number };
  /** mxo with --join-phases: where the joins' time went, from the server's spans. */
  joinPhases?: JoinPhases;
  /** On the floor, "consumed" counts inputs that reached the server (it applies none). */
  inputs: { intendedPerSec: number; sentPerSec: number; consumedPerSec: number; ackedBots: number };
  decoders: WorkerMeasure["decoders"];
  closedUnexpectedly: number;
  loadgenLoopDelayP99Ms: number;
  /** The bot workers' CPU over the window, % of one core. */
  loadgenCpuPercent: number;
  /** CPU used by everything else on the machine over the window (not this server, not the bench), % of one core. */
  otherCpuPercent: number;
  errors: string[];
}

export type ScenarioResult = { scenario: Scenario } & Partial<Record<Side, SideResult>>;

export function fmtBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(2)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n.toFixed(0)} B`;
}

/** A figure that may be missing (NaN, or null once it went through JSON): "n/a". */
export function fmtMs(v: number | null | undefined): string {
  return typeof v === "number" && Number.isFinite(v) ? `${v.toFixed(2)} ms` : "n/a";
}

interface Row {
  label: string;
  get: (r: SideResult) => number;
  fmt: (v: number) => string;
  /** Show mxo ÷ baseline (default true) and mxo ÷ floor (default false). */
  vsBaseline?: boolean;
  vsFloor?: boolean;
  /** Cell text when not simply fmt(get). */
  text?: (r: SideResult) => string;
}

const finite = (fmt: (v: number) => string) => (v: number) =>
  typeof v === "number" && Number.isFinite(v) ? fmt(v) : "n/a";

const ROWS: Row[] = [
  { label: "clients connected", get: (r) => r.clients, fmt: (v) => v.toFixed(0), vsBaseline: false },
  {
    label: "server CPU (% of a core)",
    get: (r) => r.serverCpuPercent,
    fmt: (v) => `${v.toFixed(1)} %`,
    vsFloor: true,
  },
  {
    label: "CPU per client-tick",
    get: (r) => r.cpuPerClientTickUs,
    fmt: finite((v) => `${v.toFixed(2)} µs`),
  },
  {
    label: "CPU per client-patch",
    get: (r) => r.cpuPerClientPatchUs,
    fmt: (v) => `${v.toFixed(2)} µs`,
    vsFloor: true,
  },
  {
    label: "socket writes /client/s",
    get: (r) => r.writesPerClientPerSec,
    fmt: (v) => v.toFixed(1),
    vsFloor: true,
  },
  { label: "bytes per client per s", get: (r) => r.bytesPerClientPerSec, fmt: fmtBytes },
  { label: "patches per client per s", get: (r) => r.patchesPerClientPerSec, fmt: (v) => v.toFixed(1) },
  { label: "mean patch size", get: (r) => r.meanPatchBytes, fmt: finite((v) => `${v.toFixed(0)} B`) },
  {
    label: "tick p50 / p99",
    get: (r) => r.tick.p99Ms,
    fmt: fmtMs,
    text: (r) => (r.tick.n > 0 ? `${r.tick.p50Ms.toFixed(2)} / ${r.tick.p99Ms.toFixed(2)} ms` : "n/a"),
  },
  {
    label: "patch p50 / p99",
    get: (r) => r.patch.p99Ms,
    fmt: fmtMs,
    text: (r) => (r.patch.n > 0 ? `${r.patch.p50Ms.toFixed(2)} / ${r.patch.p99Ms.toFixed(2)} ms` : "n/a"),
  },
  { label: "tick+patch p99", get: (r) => r.tickPlusPatch.p99Ms, fmt: fmtMs },
  {
    label: "GC pauses (ms per s)",
    get: (r) => (r.gc ? (r.gc.minorMs + r.gc.majorMs) / r.seconds : NaN),
    fmt: finite((v) => v.toFixed(1)),
    text: (r) =>
      r.gc
        ? `${((r.gc.minorMs + r.gc.majorMs) / r.seconds).toFixed(1)} (max ${r.gc.maxPauseMs.toFixed(1)} ms)`
        : "n/a",
  },
  {
    label: "slowest 1 % of cycles: GC share",
    get: (r) => r.gc?.slowCyclesGcShare ?? NaN,
    fmt: finite((v) => `${(v * 100).toFixed(0)} %`),
    vsBaseline: false,
  },
  { label: "RSS per client", get: (r) => r.rssPerClientKb, fmt: (v) => `${v.toFixed(0)} KB` },
  { label: "join p99 (at ~50/s)", get: (r) => r.joinMs.p99, fmt: (v) => `${v.toFixed(0)} ms` },
  {
    label: "inputs consumed /client/s",
    get: (r) => r.inputs.consumedPerSec,
    fmt: finite((v) => v.toFixed(2)),
  },
  {
    label: "other load on the machine",
    get: (r) => r.otherCpuPercent,
    fmt: (v) => `${v.toFixed(0)} % of a core`,
    vsBaseline: false,
  },
];

function cell(row: Row, r: SideResult | undefined): string {
  if (!r) return "–";
  return row.text ? row.text(r) : row.fmt(row.get(r));
}

function ratio(row: Row, of: SideResult | undefined, to: SideResult | undefined): string {
  if (!of || !to) return "";
  const tv = row.get(to);
  const ov = row.get(of);
  if (typeof tv !== "number" || !(tv > 0) || typeof ov !== "number" || !Number.isFinite(ov)) return "";
  const q = ov / tv;
  return q < 0.1 && q > 0 ? `1/${(1 / q).toFixed(0)}` : `${q.toFixed(2)}×`;
}

/** The run's table in Markdown; a side that did not run shows "–". */
export function renderTable(scenarios: ScenarioResult[]): string {
  const lines = [
    "| scenario | measure | baseline | mxo | floor | mxo / baseline | mxo / floor |",
    "|---|---|---|---|---|---|---|",
  ];
  for (const s of scenarios) {
    for (const row of ROWS) {
      const vsBaseline = row.vsBaseline === false ? "" : ratio(row, s.mxo, s.baseline);
      const vsFloor = row.vsFloor ? ratio(row, s.mxo, s.floor) : "";
      lines.push(
        `| ${s.scenario.name} | ${row.label} | ${cell(row, s.baseline)} | ${cell(row, s.mxo)} | ${cell(row, s.floor)} | ${vsBaseline} | ${vsFloor} |`,
      );
    }
  }
  return lines.join("\n");
}

export interface TargetCheck {
  target: string;
  value: string;
  met: boolean;
}

const x = (q: number) => `${q.toFixed(2)}×`;

/**
 * Issue 16's targets, from the largest spread scenario (1,000 in a full run)
 * and the dense one: each needs the sides it compares; a side that did not
 * run leaves its target out.
 */
export function targets(scenarios: ScenarioResult[], joinRate: number): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const dense = scenarios.find((s) => s.scenario.layout === "dense");
  if (dense?.baseline && dense.mxo) {
    const b = dense.baseline;
    const m = dense.mxo;
    const cpu = m.cpuPerClientTickUs / b.cpuPerClientTickUs;
    checks.push({
      target: `${dense.scenario.name}: CPU per client-tick ≤ 1.0× baseline`,
      value: `${x(cpu)} (${m.cpuPerClientTickUs.toFixed(2)} vs ${b.cpuPerClientTickUs.toFixed(2)} µs)`,
      met: cpu <= 1,
    });
    checks.push({
      target: `${dense.scenario.name}: tick+patch p99 ≤ baseline's`,
      value: `${fmtMs(m.tickPlusPatch.p99Ms)} vs ${fmtMs(b.tickPlusPatch.p99Ms)}`,
      met: m.tickPlusPatch.p99Ms <= b.tickPlusPatch.p99Ms,
    });
  }
  const spread = scenarios.filter((s) => s.scenario.layout === "spread").at(-1);
  const m = spread?.mxo;
  if (spread && m) {
    const name = spread.scenario.name;
    if (spread.baseline) {
      const q = m.cpuPerClientPatchUs / spread.baseline.cpuPerClientPatchUs;
      checks.push({
        target: `${name}: CPU per client-patch ≤ 0.4× baseline`,
        value: `${x(q)} (${m.cpuPerClientPatchUs.toFixed(2)} vs ${spread.baseline.cpuPerClientPatchUs.toFixed(2)} µs)`,
        met: q <= 0.4,
      });
    }
    if (spread.floor) {
      const q = m.cpuPerClientPatchUs / spread.floor.cpuPerClientPatchUs;
      checks.push({
        target: `${name}: CPU per client-patch ≤ 3× floor`,
        value: `${x(q)} (${m.cpuPerClientPatchUs.toFixed(2)} vs ${spread.floor.cpuPerClientPatchUs.toFixed(2)} µs)`,
        met: q <= 3,
      });
    }
    checks.push({
      target: `${name}: tick+patch p99 ≤ 50 ms`,
      value: `${fmtMs(m.tickPlusPatch.p99Ms)} (tick p99 ${fmtMs(m.tick.p99Ms)} + patch p99 ${fmtMs(m.patch.p99Ms)})`,
      met: m.tickPlusPatch.p99Ms <= 50,
    });
  }
  for (const s of [spread, dense]) {
    if (!s?.mxo) continue;
    checks.push({
      target: `${s.scenario.name}: join p99 ≤ 150 ms at ${joinRate} joins/s`,
      value: `${s.mxo.joinMs.p99.toFixed(0)} ms`,
      met: s.mxo.joinMs.p99 <= 150,
    });
  }
  return checks;
}

/** The targets block as printed after the table. */
export function renderTargets(checks: TargetCheck[]): string {
  if (checks.length === 0) return "";
  return [
    "targets (issue 16; reported, not asserted):",
    ...checks.map((c) => `  ${c.met ? "PASS" : "MISS"}  ${c.target}: ${c.value}`),
  ].join("\n");
}
