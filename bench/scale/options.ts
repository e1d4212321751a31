/**
 * bench/scale.ts's command line (`npm run bench -- …`) and what follows from
 * it: the scenario sizes, window lengths, load, sides, and mxo-server's
 * environment. Parsed once, when first imported.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import type { Side } from "../lib/report.js";

export const ROOT = resolve(import.meta.dirname, "../..");

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

export const { values: args } = parseArgs({
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
    /** The floor spends this many µs of busy work per client per patch, before each write (how encodes sit between writes). */
    "floor-work-us": { type: "string", default: "0" },
    /** With --floor-work-us: all of the patch's work first, then the writes in one burst. */
    "floor-work-first": { type: "boolean", default: false },
    "mxo-root": { type: "string" },
    "mxo-env": { type: "string", multiple: true, default: [] },
    profile: { type: "boolean", default: false },
    "profile-joins": { type: "boolean", default: false },
    /** mxo exports its spans to the bench, which prints where each join's time went (./lib/joinPhases.ts). */
    "join-phases": { type: "boolean", default: false },
    /** Pins the servers to these CPUs (taskset list, e.g. "0") and the bench and its bots to the others. */
    "server-cpus": { type: "string" },
    db: { type: "string", default: "embedded" },
    out: { type: "string" },
    quiet: { type: "boolean", default: false },
  },
});

export const SHORT = args.short || process.env.BENCH_SHORT === "1";
export const SIZES = (args.sizes ?? (SHORT ? "100" : "200,500,1000")).split(",").map(Number).filter(Boolean);
export const DENSE = Number(args.dense ?? (SHORT ? "0" : "500"));
export const SECONDS = Number(args.seconds ?? (SHORT ? "10" : "20"));
/** --short keeps CI quick: the floor's figures are steady, 5 s of its window say what 10 s would. */
export const FLOOR_SECONDS = args.seconds === undefined && SHORT ? 5 : SECONDS;
export const WARMUP = Number(args.warmup ?? (SHORT ? "1" : "4"));
export const WORKERS = Number(args.workers ?? (SHORT ? "2" : "3"));
export const DECODERS = Number(args.decoders ?? "4");
export const JOIN_RATE = Number(args["join-rate"]);
export const INPUT_RATE = Number(args["input-rate"]);
export const SIDES = parseSides(args.side);
/** The floor's frame size when mxo does not run before it: about mxo's mean patch at 1,000 spread. */
export const DEFAULT_FLOOR_BYTES = 80;
export const FLOOR_BYTES = args["floor-bytes"] === undefined ? undefined : Number(args["floor-bytes"]);
export const FLOOR_WORK_US = Number(args["floor-work-us"]);
export const FLOOR_WORK_FIRST = args["floor-work-first"];
export const MXO_ROOT = resolve(args["mxo-root"] ?? ROOT);
/** mxo-server's database: embedded PGlite (as `npm start` runs it) or a scratch PostgreSQL database on 127.0.0.1. */
export const DB_MODE = args.db === "postgres" ? "postgres" : "embedded";
export const LAP_SECONDS = 10;
export const JOIN_PHASES = args["join-phases"];
export const SERVER_CPUS = args["server-cpus"];
export const DISTRICT = "richland";
/** A quiet corner of richland, away from NPC spawn zones, for the dense crowd. */
export const DENSE_CENTER = { x: 1000, y: 600 };

/** mxo-server's environment: defaults of `npm start`, plus limits raised so thousands of bots can register. */
export const MXO_ENV: Record<string, string> = {
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
export const AOI = {
  radius: Number(MXO_ENV.AOI_RADIUS ?? 100),
  hysteresis: Number(MXO_ENV.AOI_HYSTERESIS_PERCENT ?? 120) / 100,
  maxVisible: Number(MXO_ENV.AOI_MAX_VISIBLE ?? 100),
};
