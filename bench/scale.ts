/**
 * Interest management benchmark: plain Colyseus 0.18 (bench/baseline/) against
 * mxo-server, and both against the floor (bench/floor/), on this machine,
 * under the same bot load.
 *
 *   npm run bench                      # 200 / 500 / 1000 clients spread over a district + a dense crowd
 *   npm run bench -- --short           # CI: 100 clients, 10 s per side (5 s for the floor)
 *   npm run bench -- --sizes 300 --dense 0 --seconds 15 --side mxo,floor
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
 * Prints progress, a table (baseline | mxo | floor, mxo ÷ baseline and
 * mxo ÷ floor) and issue 16's targets (./lib/report.ts), and writes JSON to
 * bench/results/<timestamp>.json (or `--out`).
 */
import { fork, type ChildProcess } from "node:child_process";
import { cpus, tmpdir } from "node:os";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { PGlite } from "@electric-sql/pglite";
import { http } from "../test/helpers/api.js";
import { samplesOf, scrape, type Scrape } from "../test/helpers/metrics.js";
import { createTestDatabase, queryDatabase } from "../test/helpers/postgres.js";
import { benchDistrict, PATCH_RATE, TICK_RATE } from "./baseline/BaselineRoom.js";
import {
  answers,
  freePort,
  machineBusySeconds,
  procSample,
  startNode,
  type ChildServer,
} from "./lib/proc.js";
import type { BotSpec, FromWorker, Target, ToWorker, WorkerMeasure } from "./lib/protocol.js";
import { percentile, rng, sleep } from "./lib/stats.js";
import {
  fmtBytes,
  fmtMs,
  renderTable,
  renderTargets,
  targets,
  type Scenario,
  type ScenarioResult,
  type Side,
  type SideResult,
} from "./lib/report.js";
import type { ProbeSnapshot } from "./probe.js";

export type { SideResult };

const ROOT = resolve(import.meta.dirname, "..");

/** Sides in the order they run: the floor after mxo, whose mean patch size it sends. */
function parseSides(arg: string): Side[] {
  const order: Side[] = ["baseline", "mxo", "floor"];
  const named =
    arg === "all" ? order : arg === "both" ? ["baseline", "mxo"] : arg.split(",").map((x) => x.trim());
  const bad = named.filter((x) => !order.includes(x as Side));
  if (bad.length || named.length === 0) {
    console.error(`--side: ${bad.join(", ") || "none"} (baseline, mxo, floor, all or both)`);
    process.exit(2);
  }
  return order.filter((x) => named.includes(x));
}

const { values: args } = parseArgs({
  options: {
    short: { type: "boolean", default: false },
    sizes: { type: "string" },
    dense: { type: "string" },
    seconds: { type: "string" },
    warmup: { type: "string" },
    workers: { type: "string" },
    decoders: { type: "string" },
    "join-rate": { type: "string", default: "50" },
    "input-rate": { type: "string", default: "10" },
    /** A comma-separated list of baseline, mxo, floor; "all" (the default) or "both" (baseline,mxo). */
    side: { type: "string", default: "all" },
    "floor-bytes": { type: "string" },
    "mxo-root": { type: "string" },
    "mxo-env": { type: "string", multiple: true, default: [] },
    profile: { type: "boolean", default: false },
    "profile-joins": { type: "boolean", default: false },
    db: { type: "string", default: "embedded" },
    out: { type: "string" },
    quiet: { type: "boolean", default: false },
  },
});

const SHORT = args.short || process.env.BENCH_SHORT === "1";
const SIZES = (args.sizes ?? (SHORT ? "100" : "200,500,1000")).split(",").map(Number).filter(Boolean);
const DENSE = Number(args.dense ?? (SHORT ? "0" : "500"));
const SECONDS = Number(args.seconds ?? (SHORT ? "10" : "20"));
/** --short keeps CI quick: the floor's figures are steady, 5 s of its window say what 10 s would. */
const FLOOR_SECONDS = args.seconds === undefined && SHORT ? 5 : SECONDS;
const WARMUP = Number(args.warmup ?? (SHORT ? "1" : "4"));
const WORKERS = Number(args.workers ?? (SHORT ? "2" : "3"));
const DECODERS = Number(args.decoders ?? "4");
const JOIN_RATE = Number(args["join-rate"]);
const INPUT_RATE = Number(args["input-rate"]);
const SIDES = parseSides(args.side);
/** The floor's frame size when mxo does not run before it: about mxo's mean patch at 1,000 spread. */
const DEFAULT_FLOOR_BYTES = 80;
const FLOOR_BYTES = args["floor-bytes"] === undefined ? undefined : Number(args["floor-bytes"]);
const MXO_ROOT = resolve(args["mxo-root"] ?? ROOT);
/** mxo-server's database: embedded PGlite (as `npm start` runs it) or a scratch PostgreSQL database on 127.0.0.1. */
const DB_MODE = args.db === "postgres" ? "postgres" : "embedded";
let databaseUrl: string | undefined;
const LAP_SECONDS = 10;
const DISTRICT = "richland";
/** A quiet corner of richland, away from NPC spawn zones, for the dense crowd. */
const DENSE_CENTER = { x: 1000, y: 600 };

/** mxo-server's environment: defaults of `npm start`, plus limits raised so thousands of bots can register. */
const MXO_ENV: Record<string, string> = {
  LOG_LEVEL: "warn",
  AUTH_RATE_LIMIT_PER_MINUTE: "100000",
  HTTP_RATE_LIMIT_PER_MINUTE: "100000",
  ACCESS_TOKEN_TTL_SECONDS: "86400",
  MAX_CLIENTS_PER_DISTRICT: "5000",
  RECONNECT_GRACE_SECONDS: "0",
  ...Object.fromEntries(
    (args["mxo-env"] as string[]).map((kv) => {
      const i = kv.indexOf("=");
      return [kv.slice(0, i), kv.slice(i + 1)];
    }),
  ),
};
const AOI = {
  radius: Number(MXO_ENV.AOI_RADIUS ?? 100),
  hysteresis: Number(MXO_ENV.AOI_HYSTERESIS_PERCENT ?? 120) / 100,
  maxVisible: Number(MXO_ENV.AOI_MAX_VISIBLE ?? 100),
};

const log = (line: string) => {
  if (!args.quiet) console.log(line);
};
const progress = (line: string) => {
  if (args.quiet) return;
  if (process.stdout.isTTY) process.stdout.write(`\r\x1b[2K${line}`);
  else console.log(line);
};
const endProgress = () => {
  if (!args.quiet && process.stdout.isTTY) process.stdout.write("\n");
};

/** Wall time of each phase of the run (setup, server starts, joins, windows, stops), for the JSON. */
const phases: { phase: string; seconds: number }[] = [];
async function timed<T>(phase: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    phases.push({ phase, seconds: Number(((performance.now() - t0) / 1000).toFixed(2)) });
  }
}

// --- bot workers -------------------------------------------------------------

class Worker {
  readonly proc: ChildProcess;
  private waiters: { type: FromWorker["type"]; resolve: (m: FromWorker) => void }[] = [];
  progress = { joined: 0, failed: 0 };

  constructor(readonly index: number) {
    this.proc = fork(join(ROOT, "bench/lib/botWorker.ts"), [], {
      execArgv: ["--experimental-websocket", "--import", "tsx"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.proc.on("message", (msg: FromWorker) => {
      if (msg.type === "progress") this.progress = { joined: msg.joined, failed: msg.failed };
      if (msg.type === "fatal") {
        console.error(`bot worker ${index} failed: ${msg.message}`);
        process.exit(1);
      }
      const i = this.waiters.findIndex((w) => w.type === msg.type);
      if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(msg);
    });
    this.proc.on("exit", (code) => {
      if (!shuttingDown) {
        console.error(`bot worker ${index} exited with ${code}`);
        process.exit(1);
      }
    });
  }

  request<T extends FromWorker["type"]>(msg: ToWorker, reply: T): Promise<Extract<FromWorker, { type: T }>> {
    return new Promise((resolve) => {
      this.waiters.push({ type: reply, resolve: resolve as (m: FromWorker) => void });
      this.proc.send(msg);
    });
  }
}

let shuttingDown = false;

/** CPU seconds of the bot workers and of this process. */
function benchCpu(workers: Worker[]): { workers: number; self: number } {
  let total = 0;
  for (const w of workers) if (w.proc.pid) total += procSample(w.proc.pid).cpuSeconds;
  return { workers: total, self: procSample(process.pid).cpuSeconds };
}

// --- servers -------------------------------------------------------------------

interface Running {
  server: ChildServer;
  http: string;
  ws: string;
  probe: string;
}

/** --profile: the probe CPU-profiles each measurement window; --profile-joins: each join phase. */
function profileFile(kind: string, scenario: Scenario, phase: string): string {
  const dir = join(ROOT, "bench/results/profiles");
  mkdirSync(dir, { recursive: true });
  return join(dir, `${kind}-${scenario.name.replace(/\W+/g, "-")}-${phase}.cpuprofile`);
}

async function probeCall(running: Running, path: string): Promise<void> {
  const res = await fetch(`${running.probe}${path}`);
  const text = await res.text();
  if (!res.ok) throw new Error(`probe ${path}: ${res.status} ${text}`);
}

/**
 * What a server under test preloads from `root`: bench/probe.ts through
 * ./lib/preloadProbe.mjs (main thread only); an older checkout's bare probe.ts
 * (it has no database worker to spare); or, with neither, this tree's.
 */
function preloadProbe(root: string): string {
  const candidates = [join(root, "bench/lib/preloadProbe.mjs"), join(root, "bench/probe.ts")];
  return candidates.find((f) => existsSync(f)) ?? join(ROOT, "bench/lib/preloadProbe.mjs");
}

async function startBaseline(): Promise<Running> {
  const port = await freePort();
  const probePort = await freePort();
  const server = await startNode({
    cwd: ROOT,
    script: "bench/baseline/server.ts",
    nodeArgs: ["--experimental-websocket", "--expose-gc", "--import", "tsx", "--import", preloadProbe(ROOT)],
    env: { PORT: String(port), BENCH_PROBE_PORT: String(probePort) },
    ready: (lines) => lines.some((l) => l.includes("baseline listening")),
  });
  return {
    server,
    http: `http://127.0.0.1:${port}`,
    ws: `ws://127.0.0.1:${port}`,
    probe: `http://127.0.0.1:${probePort}`,
  };
}

/** The floor (bench/floor/server.ts): no probe preloaded, it times its own send loop; mxo's patch rate. */
async function startFloor(frameBytes: number): Promise<Running> {
  const port = await freePort();
  const probePort = await freePort();
  const server = await startNode({
    cwd: ROOT,
    script: "bench/floor/server.ts",
    nodeArgs: ["--expose-gc", "--import", "tsx"],
    env: {
      PORT: String(port),
      BENCH_PROBE_PORT: String(probePort),
      PATCH_RATE: String(MXO_ENV.PATCH_RATE ?? PATCH_RATE),
      FLOOR_FRAME_BYTES: String(frameBytes),
    },
    ready: (lines) => lines.some((l) => l.includes("floor listening")),
  });
  return {
    server,
    http: `http://127.0.0.1:${port}`,
    ws: `ws://127.0.0.1:${port}`,
    probe: `http://127.0.0.1:${probePort}`,
  };
}

async function startMxo(dataDir: string): Promise<Running> {
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
      DATA_DIR: dataDir,
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      BENCH_PROBE_PORT: String(probePort),
    },
    ready: () => answers(`${http}/ready`),
    // A cold start (embedded database included) took 35–60+ s on this 2-core machine under a shared load.
    timeoutMs: 180_000,
  });
  return { server, http, ws: `ws://127.0.0.1:${port}`, probe: `http://127.0.0.1:${probePort}` };
}

// --- mxo accounts and placement -------------------------------------------------

/** Characters one account may own (src/framework/persistence/CharacterService.ts): bots share accounts to spare argon2 work. */
const CHARACTERS_PER_ACCOUNT = 8;

interface BenchPlayer {
  token: string;
  characterId: string;
}

/**
 * Registers accounts and characters for `n` bots on a server that then stops
 * (tokens stay valid: same DATA_DIR, same generated secret, long TTL). Bots
 * share accounts, up to the per-account character limit; each plays its own
 * character.
 */
async function createPlayers(dataDir: string, n: number): Promise<BenchPlayer[]> {
  const t0 = performance.now();
  const running = await startMxo(dataDir);
  const players: BenchPlayer[] = [];
  const accounts = Math.ceil(n / CHARACTERS_PER_ACCOUNT);
  const tag = Math.random().toString(36).slice(2, 8);
  const post = async (path: string, body: unknown, token?: string) => {
    const res = await http(running.http, "POST", path, { body, token });
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  try {
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < accounts) {
          const a = next++;
          const username = `bench_${tag}_${a}`;
          const password = "bench password";
          await post("/auth/register", { username, password });
          const { token } = await post("/auth/login", { username, password });
          for (let c = 0; c < CHARACTERS_PER_ACCOUNT && players.length < n; c++) {
            const character = await post("/characters", { name: `B${tag}${a}x${c}` }, token);
            players.push({ token, characterId: character.id });
          }
          progress(`[setup] mxo: ${players.length}/${n} characters on ${a + 1}/${accounts} accounts`);
        }
      }),
    );
  } finally {
    endProgress();
    await running.server.stop();
  }
  log(
    `[setup] ${players.length} characters on ${accounts} accounts in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  return players;
}

/**
 * Puts characters where the layout wants them (a new character starts at the
 * arrival hardline; a returning one where it was saved), with full health, by
 * writing the database (embedded or PostgreSQL) while no server runs.
 */
async function placeCharacters(dataDir: string, players: BenchPlayer[], spots: { x: number; y: number }[]) {
  const sql = `UPDATE characters c SET district = $4, x = v.x, y = v.y, z = 0, hp = c.max_hp
     FROM (SELECT unnest($1::uuid[]) AS id, unnest($2::float8[]) AS x, unnest($3::float8[]) AS y) v
    WHERE c.id = v.id`;
  const params = [players.map((p) => p.characterId), spots.map((s) => s.x), spots.map((s) => s.y), DISTRICT];
  if (databaseUrl) {
    await queryDatabase(databaseUrl, sql, params);
    return;
  }
  const db = new PGlite(join(dataDir, "pglite"));
  try {
    await db.query(sql, params);
  } finally {
    await db.close();
  }
}

// --- layouts -----------------------------------------------------------------------

function layout(scenario: Scenario): { x: number; y: number }[] {
  const random = rng(scenario.clients * 7919 + (scenario.layout === "dense" ? 1 : 0));
  const { bounds } = benchDistrict(DISTRICT);
  const margin = 30;
  return Array.from({ length: scenario.clients }, () => {
    if (scenario.layout === "dense") {
      // Inside a disc of radius 35: with a lap circle of ~10 units everyone stays within 100 of everyone.
      const r = 35 * Math.sqrt(random());
      const a = random() * 2 * Math.PI;
      return { x: DENSE_CENTER.x + r * Math.cos(a), y: DENSE_CENTER.y + r * Math.sin(a) };
    }
    return {
      x: bounds.minX + margin + random() * (bounds.maxX - bounds.minX - 2 * margin),
      y: bounds.minY + margin + random() * (bounds.maxY - bounds.minY - 2 * margin),
    };
  });
}

// --- one side of one scenario -------------------------------------------------------

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

async function runSide(
  kind: Side,
  scenario: Scenario,
  workers: Worker[],
  spots: { x: number; y: number }[],
  players: BenchPlayer[],
  dataDir: string,
  floorBytes: number,
): Promise<SideResult> {
  const tag = `[${scenario.name}] ${kind}`;
  if (kind === "mxo") {
    await timed(`${tag}: place characters`, () =>
      placeCharacters(dataDir, players.slice(0, scenario.clients), spots),
    );
  }
  const running = await timed(`${tag}: start server`, () =>
    kind === "mxo" ? startMxo(dataDir) : kind === "floor" ? startFloor(floorBytes) : startBaseline(),
  );
  // The floor's probe times its send loop but cannot profile.
  const profiling = kind !== "floor";
  const t0 = performance.now();
  try {
    await sleep(SHORT ? 500 : 2000);
    await probeCall(running, "/gc");
    const rssBefore = procSample(running.server.pid).rssBytes;
    const target: Target = {
      kind,
      http: running.http,
      ws: running.ws,
      roomName: kind === "mxo" ? "district" : kind,
      expect:
        kind === "mxo"
          ? {
              everyone: false,
              maxDistance: AOI.radius * AOI.hysteresis + 5,
              maxVisible: AOI.maxVisible,
            }
          : { everyone: kind === "baseline" },
    };
    const decodeEvery = Math.max(1, Math.floor(scenario.clients / Math.max(1, DECODERS)));
    const specs: BotSpec[] = spots.map((s, i) => ({
      index: i,
      x: s.x,
      y: s.y,
      name: `bot${i}`,
      // The floor speaks only as much of the protocol as the raw bots need: nothing to decode.
      decode: kind !== "floor" && DECODERS > 0 && i % decodeEvery === 0 && i / decodeEvery < DECODERS,
      token: kind === "mxo" ? players[i]!.token : undefined,
      characterId: kind === "mxo" ? players[i]!.characterId : undefined,
    }));
    const W = workers.length;
    const intervalMs = (W * 1000) / JOIN_RATE;
    for (const w of workers) w.progress = { joined: 0, failed: 0 };
    if (args["profile-joins"] && profiling) await probeCall(running, "/profile/start");
    const joining = workers.map((w) =>
      w.request(
        {
          type: "join",
          target,
          bots: specs.filter((_, i) => i % W === w.index),
          intervalMs,
          delayMs: (w.index * 1000) / JOIN_RATE,
          inputsPerSecond: INPUT_RATE,
          lapSeconds: LAP_SECONDS,
        },
        "joined",
      ),
    );
    const joinStart = performance.now();
    const ticker = setInterval(() => {
      const joined = workers.reduce((a, w) => a + w.progress.joined, 0);
      const failed = workers.reduce((a, w) => a + w.progress.failed, 0);
      const cpu = procSample(running.server.pid);
      progress(
        `${tag}: joining ${joined}/${scenario.clients}${failed ? ` (${failed} failed)` : ""}, ${((performance.now() - joinStart) / 1000).toFixed(0)} s, RSS ${(cpu.rssBytes / 2 ** 20).toFixed(0)} MB`,
      );
    }, 1000);
    const joined = await Promise.all(joining);
    if (args["profile-joins"] && profiling) {
      await probeCall(
        running,
        `/profile/stop?file=${encodeURIComponent(profileFile(kind, scenario, "joins"))}`,
      );
    }
    clearInterval(ticker);
    const latencies = joined.flatMap((j) => j.latenciesMs);
    const failures = joined.flatMap((j) => j.failures);
    progress(`${tag}: ${latencies.length}/${scenario.clients} joined, warming up ${WARMUP} s`);
    await sleep(WARMUP * 1000);

    // --- the window ---
    const before = kind === "mxo" ? await scrape(running.http) : undefined;
    await probeCall(running, "/reset");
    if (args.profile && profiling) await probeCall(running, "/profile/start");
    const cpu0 = procSample(running.server.pid);
    const bench0 = benchCpu(workers);
    const machine0 = machineBusySeconds();
    await Promise.all(
      workers.map((w) => w.request({ type: "measure-start", clients: latencies.length }, "measure-started")),
    );
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
        ((machine1 -
          machine0 -
          cpuSeconds -
          (bench1.workers - bench0.workers) -
          (bench1.self - bench0.self)) /
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
    log(
      `${tag}: ${clients} clients, CPU ${result.serverCpuPercent.toFixed(1)} % (${result.cpuPerClientPatchUs.toFixed(2)} µs/client-patch), ` +
        `${fmtBytes(result.bytesPerClientPerSec)}/client/s in ${result.writesPerClientPerSec.toFixed(1)} writes, tick p99 ${fmtMs(result.tick.p99Ms)}, patch p99 ${fmtMs(result.patch.p99Ms)}, ` +
        `inputs ${result.inputs.consumedPerSec.toFixed(2)}/s consumed of ${INPUT_RATE}; ` +
        `bots ${result.loadgenCpuPercent.toFixed(0)} % CPU, other processes ${result.otherCpuPercent.toFixed(0)} %`,
    );
    await Promise.all(workers.map((w) => w.request({ type: "leave" }, "left")));
    return result;
  } finally {
    phases.push({
      phase: `${tag}: joins, warm-up, window`,
      seconds: Number(((performance.now() - t0) / 1000).toFixed(2)),
    });
    await timed(`${tag}: stop server`, () => running.server.stop());
  }
}

// --- main ----------------------------------------------------------------------------

async function main() {
  const scenarios: Scenario[] = [
    ...SIZES.map((n) => ({ name: `${n} spread`, clients: n, layout: "spread" as const })),
    ...(DENSE > 0 ? [{ name: `${DENSE} dense`, clients: DENSE, layout: "dense" as const }] : []),
  ];
  const maxClients = Math.max(...scenarios.map((s) => s.clients));
  const startedAt = new Date();
  log(
    `bench: ${scenarios.map((s) => s.name).join(", ")}; sides ${SIDES.join(" + ")}; ${SECONDS} s windows after ${WARMUP} s warm-up; ` +
      `${WORKERS} bot workers, ${DECODERS} decoding bots; joins at ${JOIN_RATE}/s; ${INPUT_RATE} inputs/s per bot; ` +
      `${cpus().length} cores, Node ${process.version}`,
  );
  const dataDir = mkdtempSync(join(tmpdir(), "mxo-bench-"));
  const scratchDb = DB_MODE === "postgres" && SIDES.includes("mxo") ? await createTestDatabase() : undefined;
  databaseUrl = scratchDb?.url;
  const workers = Array.from({ length: WORKERS }, (_, i) => new Worker(i));
  const rows: ScenarioResult[] = [];
  try {
    const players = SIDES.includes("mxo")
      ? await timed("[setup] accounts and characters", () => createPlayers(dataDir, maxClients))
      : [];
    for (const scenario of scenarios) {
      const spots = layout(scenario);
      const row: ScenarioResult = { scenario };
      for (const side of SIDES) {
        // The floor writes frames of the size mxo's patches had in this scenario, unless told otherwise.
        const mxoPatch = row.mxo?.meanPatchBytes;
        const floorBytes =
          FLOOR_BYTES ??
          (mxoPatch !== undefined && Number.isFinite(mxoPatch) ? mxoPatch : DEFAULT_FLOOR_BYTES);
        row[side] = await runSide(side, scenario, workers, spots, players, dataDir, Math.round(floorBytes));
      }
      rows.push(row);
    }
  } finally {
    shuttingDown = true;
    for (const w of workers) w.proc.kill();
    rmSync(dataDir, { recursive: true, force: true });
    await scratchDb?.drop();
  }

  const table = renderTable(rows);
  const checks = targets(rows, JOIN_RATE);
  const out = {
    at: startedAt.toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
    options: {
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
      mxoEnv: MXO_ENV,
      mxoRoot: MXO_ROOT,
      database: DB_MODE,
    },
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
  process.exit(0);
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
