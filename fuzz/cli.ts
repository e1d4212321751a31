import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { FUZZ_MODES, type FuzzMode } from "./deployments.js";
import { formatReport } from "./formatReport.js";
import { DEFAULT_LIMITS, runFuzz } from "./runFuzz.js";

const USAGE = `npm run fuzz -- [options]

Protocol fuzzer against real server processes (see fuzz/README.md).

  --frames N        WebSocket frames per mode (default 1000000)
  --mode M          embedded | cluster | both (default both; cluster needs PostgreSQL and redis-server)
  --seed S          PRNG seed (default: random, printed); the same seed replays the same frames
  --rate N          frames per second (default 800)
  --http-rate N     HTTP requests per second (default 25)
  --clients N       hostile connections (default 6)
  --honest N        honest clients walking in the fuzzed room (default 3)
  --transport T     auto | uws | ws: the servers' TRANSPORT (default auto: uws where a build loads, else ws)
  --max-rss-mb N    allowed RSS growth per process (default ${DEFAULT_LIMITS.rssGrowthMb})
  --json            print the full report as JSON
  --report FILE     also write the full report(s) as JSON to FILE
`;

const { values } = parseArgs({
  options: {
    frames: { type: "string", default: "1000000" },
    mode: { type: "string", default: "both" },
    seed: { type: "string" },
    rate: { type: "string", default: "800" },
    "http-rate": { type: "string", default: "25" },
    clients: { type: "string", default: "6" },
    honest: { type: "string", default: "3" },
    "max-rss-mb": { type: "string", default: String(DEFAULT_LIMITS.rssGrowthMb) },
    transport: { type: "string", default: "auto" },
    json: { type: "boolean", default: false },
    report: { type: "string" },
    help: { type: "boolean", default: false },
  },
});

function int(name: string, raw: string | undefined, min: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    console.error(`--${name} must be an integer ≥ ${min} (got ${raw})`);
    process.exit(2);
  }
  return n;
}

// Ctrl-C runs the exit handlers that stop the fuzzed servers.
process.on("SIGINT", () => process.exit(130));
process.on("SIGTERM", () => process.exit(143));

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const modes: FuzzMode[] = values.mode === "both" ? FUZZ_MODES : FUZZ_MODES.filter((m) => m === values.mode);
if (modes.length === 0) {
  console.error(`--mode must be embedded, cluster or both (got ${values.mode})`);
  process.exit(2);
}
if (!["auto", "uws", "ws"].includes(values.transport)) {
  console.error(`--transport must be auto, uws or ws (got ${values.transport})`);
  process.exit(2);
}
const seed = values.seed !== undefined ? int("seed", values.seed, 0) : Math.floor(Math.random() * 2 ** 31);
console.log(`fuzz seed ${seed} (replay with --seed ${seed})`);

let failed = false;
const reports: unknown[] = [];
for (const mode of modes) {
  const report = await runFuzz({
    mode,
    seed,
    frames: int("frames", values.frames, 1),
    framesPerSecond: int("rate", values.rate, 1),
    httpPerSecond: int("http-rate", values["http-rate"], 0),
    fuzzClients: int("clients", values.clients, 1),
    honestClients: int("honest", values.honest, 1),
    limits: { ...DEFAULT_LIMITS, rssGrowthMb: int("max-rss-mb", values["max-rss-mb"], 1) },
    env: { TRANSPORT: values.transport },
    progress: (line) => console.log(line),
  });
  console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
  reports.push(report);
  if (values.report) writeFileSync(values.report, JSON.stringify(reports, null, 2));
  if (report.violations.length > 0) failed = true;
}
process.exit(failed ? 1 : 0);
