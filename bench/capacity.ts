/**
 * The capacity model's measurements (docs/capacity.md): server processes on
 * one Redis of the bench's own and a scratch PostgreSQL database behind a
 * counting proxy; bots spread over processes, districts and organizations
 * log in, join, sit idle, form teams, chat on every channel, whisper, hear
 * announcements, receive ledger grants, trade, travel and leave — one phase
 * at a time, each measured alone — then the cost of each operation, the
 * ceilings of this machine's Redis and PostgreSQL, and the extrapolation to
 * 1,000 / 10,000 / 100,000 players.
 *
 *   npm run bench:capacity                 # 4 processes, 64 bots (several minutes)
 *   npm run bench:capacity -- --short      # 2 processes, 12 bots (CI)
 *   npm run bench:capacity -- --processes 4 --bots 200 --players-per-process 1000
 *
 * Prints tables and writes bench/results/capacity-<timestamp>.json. Figures, not assertions.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { http } from "../test/helpers/api.js";
import { ADMIN, startCluster } from "../test/helpers/cluster.js";
import { PG_ADMIN_URL } from "../test/helpers/postgres.js";
import { join, makeBots, pool } from "./capacity/bots.js";
import { measureCeilings } from "./capacity/ceilings.js";
import { ANNOUNCES_PER_MINUTE, makeModel, RATES_PER_PLAYER_MINUTE } from "./capacity/model.js";
import { startPgCounter } from "./capacity/pgCounter.js";
import { Meter, netOf, type Phase } from "./capacity/phase.js";
import { startRedisCounter } from "./capacity/redisCounter.js";
import { printBackground, printCeilings, printModel, printPhases } from "./capacity/report.js";
import { runScenario } from "./capacity/scenario.js";

const { values } = parseArgs({
  options: {
    short: { type: "boolean", default: false },
    processes: { type: "string" },
    bots: { type: "string" },
    "players-per-process": { type: "string", default: "1000" },
    "autosave-seconds": { type: "string", default: "5" },
    out: { type: "string" },
  },
});
const short = values.short;
const PROCESSES = Number(values.processes ?? (short ? 2 : 4));
const BOTS = Number(values.bots ?? (short ? 12 : 64));
// From the main bench (README "Benchmark"): 1,000 players walking in richland used 89 % of one core.
const PLAYERS_PER_PROCESS = Number(values["players-per-process"]);
const AUTOSAVE_SECONDS = values["autosave-seconds"];
const sizes = {
  lines: short ? 6 : 40,
  teams: short ? 2 : 12,
  announces: short ? 2 : 6,
  trades: short ? 2 : 16,
  travels: short ? 4 : 32,
  logins: short ? 6 : 16,
  idleSeconds: short ? 6 : 15,
};
const QUIET_MS = short ? 1000 : 2500;

async function main() {
  const startedAt = new Date();
  console.log(`capacity run: ${PROCESSES} processes, ${BOTS} bots, autosave every ${AUTOSAVE_SECONDS} s`);
  const redis = await startRedisCounter();
  const pg = await startPgCounter(PG_ADMIN_URL);
  const half = Math.max(1, Math.floor(PROCESSES / 2));
  const cluster = await startCluster(
    half,
    {
      AUTOSAVE_SECONDS: "3600",
      RECONNECT_GRACE_SECONDS: "0",
      MAX_MESSAGES_PER_SECOND: "100",
    },
    { redisUrl: redis.url, databaseUrl: (url) => pg.rewrite(url) },
  );
  try {
    const meter = new Meter(redis, pg, () => cluster.servers, QUIET_MS);
    console.log("phases:");
    const idleSeconds = sizes.idleSeconds;
    const idleFew = await meter.measure(`idle, ${half} processes`, "second", 0, async () => {
      await new Promise((r) => setTimeout(r, idleSeconds * 1000));
      return { ops: idleSeconds };
    });
    while (cluster.servers.length < PROCESSES) await cluster.start();
    const idleMany = await meter.measure(`idle, ${PROCESSES} processes`, "second", 0, async () => {
      await new Promise((r) => setTimeout(r, idleSeconds * 1000));
      return { ops: idleSeconds };
    });
    const admin = cluster.servers[0]!;
    const adminToken = (await http(admin.http, "POST", "/auth/login", { body: ADMIN })).body.token as string;
    const bots: Awaited<ReturnType<typeof makeBots>> = [];
    const register = await meter.measure("register", "account", 0, async () => {
      const made = await makeBots(cluster.servers, BOTS);
      bots.push(...made);
      return { ops: made.length };
    });
    const { phases, idlePlayers: idleQuiet } = await runScenario(
      meter,
      bots,
      { http: admin.http, token: adminToken },
      sizes,
    );
    // Net costs: what a phase cost beyond the background of players sitting idle for as long.
    const ops = [register, ...phases].filter((p) => p !== idleQuiet);
    for (const p of ops) p.net = netOf(p, p.players > 0 ? idleQuiet : idleMany);

    // Autosave was off (an hour) so that no batch fell into another phase; now the
    // processes start again saving every AUTOSAVE_SECONDS, the bots come back, and sit.
    process.stdout.write(`  restarting ${PROCESSES} processes with autosave every ${AUTOSAVE_SECONDS} s… `);
    cluster.env.AUTOSAVE_SECONDS = AUTOSAVE_SECONDS;
    for (let i = 0; i < cluster.servers.length; i++) {
      await cluster.servers[i]!.stop("SIGTERM");
      await cluster.start(i);
    }
    for (const b of bots) b.server = cluster.servers[b.i % cluster.servers.length]!;
    await pool(bots, 8, join);
    console.log("done");
    const idlePlayers = await meter.measure(
      `idle with players, autosave ${AUTOSAVE_SECONDS} s`,
      "second",
      bots.length,
      async () => {
        await new Promise((r) => setTimeout(r, idleSeconds * 1000));
        return { ops: idleSeconds };
      },
    );
    await pool(bots, 8, async (b) => b.room?.leave());

    const saveStatements = Object.entries(idlePlayers.raw.pg.byStatement).filter(([sql]) =>
      sql.startsWith("UPDATE characters AS c SET"),
    );
    const batches = idlePlayers.raw.saveBatches;
    const sum = (f: (s: (typeof saveStatements)[number][1]) => number) =>
      saveStatements.reduce((x, [, s]) => x + f(s), 0);
    const autosave = {
      batches,
      rowsPerBatch: sum((s) => s.rowsWritten) / Math.max(1, batches),
      statementsPerBatch: sum((s) => s.count) / Math.max(1, batches),
      msPerBatch: sum((s) => s.ms) / Math.max(1, batches),
      serverMsPerBatch: (idlePlayers.raw.saveSeconds * 1000) / Math.max(1, batches),
    };

    process.stdout.write("  ceilings (redis-benchmark, pgbench)… ");
    const ceilings = await measureCeilings(redis, cluster.databaseUrl, short);
    console.log("done");

    const model = makeModel({
      idleFew,
      idleMany,
      idlePlayers,
      ops,
      playersPerProcess: PLAYERS_PER_PROCESS,
      ceilings,
    });
    const redisCpuPerCommandUs = ceilings.redisCpuPerCommandUs;
    const loads = [1_000, 10_000, 100_000].map((n) => model.load(n));
    const saturation = model.saturation();

    printPhases(ops, redisCpuPerCommandUs);
    printBackground([idleFew, idleMany, idleQuiet, idlePlayers], autosave);
    printCeilings(ceilings);
    printModel(loads, saturation);

    const results = {
      at: startedAt.toISOString(),
      command: `npm run bench:capacity --${short ? " --short" : ""} (processes ${PROCESSES}, bots ${BOTS})`,
      processes: PROCESSES,
      bots: BOTS,
      autosaveSeconds: Number(AUTOSAVE_SECONDS),
      playersPerProcess: PLAYERS_PER_PROCESS,
      sizes,
      assumptions: { perPlayerPerMinute: RATES_PER_PLAYER_MINUTE, announcesPerMinute: ANNOUNCES_PER_MINUTE },
      background: { idleFew, idleMany, idleQuiet, idlePlayers, autosave },
      phases: ops satisfies Phase[],
      ceilings,
      model: { loads, saturation, perPlayerSecond: model.perPlayerSec },
    };
    mkdirSync("bench/results", { recursive: true });
    const file = values.out ?? `bench/results/capacity-${startedAt.toISOString().replace(/[:.]/g, "-")}.json`;
    writeFileSync(file, JSON.stringify(results, null, 2));
    console.log(`\nwrote ${file}`);
  } finally {
    await cluster.cleanup();
    await pg.close();
    await redis.stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
