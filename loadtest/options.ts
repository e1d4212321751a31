/**
 * The load test's command line: @colyseus/loadtest's own options (which the
 * headless runner implements too) and the scenario's. Bad input exits with
 * status 2 and a message that says which option and why.
 */
import { parseArgs } from "node:util";

export const ALL_DISTRICTS = ["richland", "westview", "international", "downtown"];

export interface LoadtestOptions {
  // @colyseus/loadtest's
  endpoint: string;
  room: string;
  numClients: number;
  /** Milliseconds between starting bots. */
  delay: number;
  /** Every so many ms, drop every connection and start every bot again; 0 = never. */
  reestablishAllDelay: number;
  /** Plain-text log file, or undefined. */
  output: string | undefined;
  // the scenario's
  districts: string[];
  moveIntervalMs: number;
  chatIntervalSeconds: number;
  fightIntervalSeconds: number;
  travelIntervalSeconds: number;
  /** Seconds to run once every bot has been started (the ramp); 0 = until stopped. */
  durationSeconds: number;
  /** Seconds between progress lines. */
  progressIntervalSeconds: number;
  setupAhead: number;
  accountsFile: string | undefined;
  password: string;
  /** Plain progress lines and a JSON summary even in a terminal (without one, always). */
  plain: boolean;
}

export function usage(message: string): never {
  process.stderr.write(`${message}\n(see loadtest/README.md)\n`);
  process.exit(2);
}

export function parseOptions(argv: string[]): LoadtestOptions {
  const { values: args } = parseArgs({
    args: argv,
    // @colyseus/loadtest parses the same argv with minimist: options of its own
    // this list does not name (--logLevel, --retryFailed) pass through.
    strict: false,
    allowPositionals: true,
    options: {
      endpoint: { type: "string" },
      room: { type: "string" },
      roomId: { type: "string" },
      numClients: { type: "string" },
      delay: { type: "string" },
      reestablishAllDelay: { type: "string" },
      output: { type: "string" },
      district: { type: "string" },
      moveInterval: { type: "string" },
      chatInterval: { type: "string" },
      fightInterval: { type: "string" },
      travelInterval: { type: "string" },
      duration: { type: "string" },
      progressInterval: { type: "string" },
      setupAhead: { type: "string" },
      accounts: { type: "string" },
      password: { type: "string" },
      plain: { type: "boolean" },
      help: { type: "boolean" },
    },
  });
  if (args.help) {
    process.stdout.write(
      "npm run loadtest -- --endpoint ws://localhost:2567 --numClients 50 --duration 60 [--output file]\n" +
        "Every option, the output and the summary: loadtest/README.md\n",
    );
    process.exit(0);
  }

  const string = (name: string): string | undefined => {
    const raw = args[name];
    if (raw !== undefined && typeof raw !== "string") usage(`--${name} needs a value`);
    return raw;
  };
  const number = (name: string, fallback: number, min: number): number => {
    const raw = string(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(value) || value < min) {
      usage(`--${name} must be a number ≥ ${min} (got ${JSON.stringify(raw)})`);
    }
    return value;
  };

  if (args.roomId !== undefined) usage("--roomId: this scenario joins by room name (--room district)");
  const endpoint = string("endpoint") ?? "ws://localhost:2567";
  try {
    if (!/^wss?:$/.test(new URL(endpoint).protocol)) throw new Error();
  } catch {
    usage(`--endpoint must be a ws:// or wss:// URL (got ${JSON.stringify(endpoint)})`);
  }
  const districts = (string("district") ?? ALL_DISTRICTS.join(","))
    .split(",")
    .map((d) => d.trim())
    .filter(Boolean);
  if (districts.length === 0) usage("--district needs at least one district id");
  const password = string("password") ?? "loadtest-password";
  if (password.length < 8) usage("--password must be at least 8 characters");

  return {
    endpoint,
    room: string("room") ?? "district",
    numClients: Math.floor(number("numClients", 1, 1)),
    delay: number("delay", 0, 0),
    reestablishAllDelay: number("reestablishAllDelay", 0, 0),
    output: string("output"),
    districts,
    moveIntervalMs: number("moveInterval", 100, 10),
    chatIntervalSeconds: number("chatInterval", 30, 0),
    fightIntervalSeconds: number("fightInterval", 5, 0),
    travelIntervalSeconds: number("travelInterval", 0, 0),
    durationSeconds: number("duration", 0, 0),
    progressIntervalSeconds: number("progressInterval", 10, 0.1),
    setupAhead: Math.floor(number("setupAhead", 4, 0)),
    accountsFile: string("accounts"),
    password,
    plain: args.plain === true,
  };
}
