/**
 * Starting the three sides' server processes, each on free ports with its
 * probe's HTTP port beside it: the baseline (bench/baseline/), mxo-server (as
 * `npm start` runs it, from --mxo-root) and the floor (bench/floor/); and
 * calling the probe.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { PATCH_RATE } from "../baseline/BaselineRoom.js";
import { answers, freePort, startNode, type ChildServer } from "../lib/proc.js";
import type { Scenario } from "../lib/report.js";
import { FLOOR_WORK_FIRST, FLOOR_WORK_US, MXO_ENV, MXO_ROOT, ROOT, SERVER_CPUS } from "./options.js";

export interface Running {
  server: ChildServer;
  http: string;
  ws: string;
  probe: string;
}

/** Where mxo-server keeps its data: DATA_DIR, and the scratch PostgreSQL database with --db postgres. */
export interface MxoData {
  dataDir: string;
  databaseUrl: string | undefined;
}

/** --profile: the probe CPU-profiles each measurement window; --profile-joins: each join phase. */
export function profileFile(kind: string, scenario: Scenario, phase: string): string {
  const dir = join(ROOT, "bench/results/profiles");
  mkdirSync(dir, { recursive: true });
  return join(dir, `${kind}-${scenario.name.replace(/\W+/g, "-")}-${phase}.cpuprofile`);
}

export async function probeCall(running: Running, path: string): Promise<void> {
  const res = await fetch(`${running.probe}${path}`);
  const text = await res.text();
  if (!res.ok) throw new Error(`probe ${path}: ${res.status} ${text}`);
}

/**
 * What a server under test preloads from `root`: bench/probe.ts through
 * ../lib/preloadProbe.mjs (main thread only); an older checkout's bare probe.ts
 * (it has no database worker to spare); or, with neither, this tree's.
 */
function preloadProbe(root: string): string {
  const candidates = [join(root, "bench/lib/preloadProbe.mjs"), join(root, "bench/probe.ts")];
  return candidates.find((f) => existsSync(f)) ?? join(ROOT, "bench/lib/preloadProbe.mjs");
}

/** One of this tree's bench servers on free ports (server and probe), ready when it logs `readyLine`. */
async function startBenchServer(
  script: string,
  nodeArgs: string[],
  env: Record<string, string>,
  readyLine: string,
): Promise<Running> {
  const port = await freePort();
  const probePort = await freePort();
  const server = await startNode({
    cwd: ROOT,
    script,
    nodeArgs,
    env: { ...env, PORT: String(port), BENCH_PROBE_PORT: String(probePort) },
    ready: (lines) => lines.some((l) => l.includes(readyLine)),
    cpus: SERVER_CPUS,
  });
  return {
    server,
    http: `http://127.0.0.1:${port}`,
    ws: `ws://127.0.0.1:${port}`,
    probe: `http://127.0.0.1:${probePort}`,
  };
}

export function startBaseline(): Promise<Running> {
  const nodeArgs = [
    "--experimental-websocket",
    "--expose-gc",
    "--import",
    "tsx",
    "--import",
    preloadProbe(ROOT),
  ];
  return startBenchServer("bench/baseline/server.ts", nodeArgs, {}, "baseline listening");
}

/** The floor (bench/floor/server.ts): no probe preloaded, it times its own send loop; mxo's patch rate. */
export function startFloor(frameBytes: number): Promise<Running> {
  const env = {
    PATCH_RATE: String(MXO_ENV.PATCH_RATE ?? PATCH_RATE),
    FLOOR_FRAME_BYTES: String(frameBytes),
    FLOOR_WORK_US: String(FLOOR_WORK_US),
    FLOOR_WORK_FIRST: FLOOR_WORK_FIRST ? "1" : "0",
  };
  return startBenchServer(
    "bench/floor/server.ts",
    ["--expose-gc", "--import", "tsx"],
    env,
    "floor listening",
  );
}

/**
 * Tracing for --join-phases: spans to the bench's receiver, in a queue large
 * enough that a thousand joins' spans (and their database queries') are not dropped.
 */
function tracingEnv(endpoint: string | undefined): Record<string, string> {
  if (!endpoint) return {};
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
    OTEL_SERVICE_NAME: "mxo-bench",
    OTEL_BSP_MAX_QUEUE_SIZE: "200000",
    OTEL_BSP_MAX_EXPORT_BATCH_SIZE: "5000",
    OTEL_BSP_SCHEDULE_DELAY: "1000",
  };
}

export async function startMxo(data: MxoData, traceTo?: string): Promise<Running> {
  const port = await freePort();
  const probePort = await freePort();
  const http = `http://127.0.0.1:${port}`;
  const server = await startNode({
    cwd: MXO_ROOT,
    script: "src/index.ts",
    nodeArgs: [
      "--experimental-websocket",
      "--expose-gc",
      "--import",
      "tsx",
      "--import",
      // The probe patches the Colyseus the server loads: an --mxo-root checkout's own, from its node_modules.
      preloadProbe(MXO_ROOT),
    ],
    env: {
      ...MXO_ENV,
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: data.dataDir,
      ...(data.databaseUrl ? { DATABASE_URL: data.databaseUrl } : {}),
      BENCH_PROBE_PORT: String(probePort),
      ...tracingEnv(traceTo),
    },
    ready: () => answers(`${http}/ready`),
    cpus: SERVER_CPUS,
    // A cold start (embedded database included) took 35–60+ s on this 2-core machine under a shared load.
    timeoutMs: 180_000,
  });
  return { server, http, ws: `ws://127.0.0.1:${port}`, probe: `http://127.0.0.1:${probePort}` };
}
