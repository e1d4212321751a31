/**
 * Foundation measurements: server start time on each database path, join
 * latency, and tick time with N clients moving at 10 inputs/s.
 *
 *   npm run bench:foundation -- [--clients 50] [--seconds 10]
 *
 * Prints a table and writes bench/results/foundation.json. Figures, not
 * assertions: run it on the machine you care about.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { Client, type Room } from "@colyseus/sdk";
import { newPlayer, sleep, type MoveInputData, type TestPlayer } from "../test/helpers/api.js";
import { sampleValue, samplesOf, scrape } from "../test/helpers/metrics.js";
import { createTestDatabase } from "../test/helpers/postgres.js";
import { startServerProcess, tempDataDir, type ServerHandle } from "../test/helpers/serverProcess.js";

const { values } = parseArgs({
  options: { clients: { type: "string", default: "50" }, seconds: { type: "string", default: "10" } },
});
const CLIENTS = Number(values.clients);
const SECONDS = Number(values.seconds);

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function timedStart(
  env: Record<string, string>,
): Promise<{ server: ServerHandle; wallMs: number; bootMs: number }> {
  const t0 = performance.now();
  const server = await startServerProcess({ ...env, LOG_LEVEL: "info" });
  const wallMs = performance.now() - t0;
  const line = server.lines.find((l) => l.includes('"mxo-server listening"'))!;
  return { server, wallMs, bootMs: Number(JSON.parse(line).ms) };
}

async function main() {
  const results: Record<string, unknown> = {
    clients: CLIENTS,
    seconds: SECONDS,
    at: new Date().toISOString(),
  };

  process.stdout.write("start time, embedded (fresh DATA_DIR, then warm)… ");
  const data = tempDataDir();
  const cold = await timedStart({ DATA_DIR: data.dir });
  await cold.server.stop();
  const warm = await timedStart({ DATA_DIR: data.dir });
  await warm.server.stop();
  data.remove();
  console.log("done");

  process.stdout.write("start time, postgres… ");
  const db = await createTestDatabase();
  const pgData = tempDataDir();
  const pg = await timedStart({ DATA_DIR: pgData.dir, DATABASE_URL: db.url, AUTOSAVE_SECONDS: "5" });
  console.log("done");
  results.startMs = {
    embeddedCold: { wall: cold.wallMs, boot: cold.bootMs },
    embeddedWarm: { wall: warm.wallMs, boot: warm.bootMs },
    postgres: { wall: pg.wallMs, boot: pg.bootMs },
  };

  const server = pg.server;
  try {
    process.stdout.write(`creating ${CLIENTS} accounts… `);
    const players: TestPlayer[] = [];
    for (let i = 0; i < CLIENTS; i++) players.push(await newPlayer(server.http));
    console.log("done");

    process.stdout.write(`joining ${CLIENTS} clients one after another… `);
    const rooms: Room[] = [];
    const joinMs: number[] = [];
    for (const p of players) {
      const client = new Client(server.ws);
      client.auth.token = p.token;
      const t0 = performance.now();
      const room = await client.joinOrCreate("district", {
        district: "richland",
        characterId: p.characterId,
      });
      joinMs.push(performance.now() - t0);
      room.onMessage("*", () => {});
      rooms.push(room);
    }
    joinMs.sort((a, b) => a - b);
    console.log("done");
    results.joinMs = { p50: percentile(joinMs, 50), p99: percentile(joinMs, 99), max: joinMs.at(-1) };

    const before = await scrape(server.http);
    process.stdout.write(`${CLIENTS} clients moving at 10 inputs/s for ${SECONDS}s… `);
    const inputs = rooms.map((r) => r.input<MoveInputData>());
    let seq = 0;
    const end = Date.now() + SECONDS * 1000;
    while (Date.now() < end) {
      seq++;
      for (const [i, input] of inputs.entries()) {
        const angle = (i / inputs.length) * Math.PI * 2 + seq / 50;
        Object.assign(input.data, { seq, moveX: Math.cos(angle), moveY: Math.sin(angle) });
        input.send();
      }
      await sleep(100);
    }
    console.log("done");
    const after = await scrape(server.http);
    const d = (name: string) =>
      (sampleValue(after, name, { district: "richland" }) ?? 0) -
      (sampleValue(before, name, { district: "richland" }) ?? 0);
    const count = d("mxo_tick_duration_seconds_count");
    const sum = d("mxo_tick_duration_seconds_sum");
    // p99 from the histogram: the smallest bucket bound holding 99 % of the window's ticks.
    const buckets = samplesOf(after, "mxo_tick_duration_seconds_bucket")
      .filter((s) => s.labels.district === "richland")
      .map((s) => {
        const prev = samplesOf(before, "mxo_tick_duration_seconds_bucket").find(
          (b) => b.labels.district === "richland" && b.labels.le === s.labels.le,
        );
        return { le: Number(s.labels.le), n: s.value - (prev?.value ?? 0) };
      })
      .sort((a, b) => a.le - b.le);
    const p99Bound = buckets.find((b) => b.n >= 0.99 * count)?.le;
    results.tick = {
      ticks: count,
      expectedTicks: SECONDS * 20,
      meanMs: (sum / count) * 1000,
      p99UpperBoundMs: p99Bound !== undefined ? p99Bound * 1000 : null,
      overruns: d("mxo_tick_overruns_total"),
    };
    for (const r of rooms) await r.leave();
  } finally {
    await server.stop();
    await db.drop();
    pgData.remove();
  }

  const s = results.startMs as Record<string, { wall: number; boot: number }>;
  const j = results.joinMs as { p50: number; p99: number; max: number };
  const t = results.tick as {
    ticks: number;
    expectedTicks: number;
    meanMs: number;
    p99UpperBoundMs: number;
    overruns: number;
  };
  console.log("\n| measurement | value |\n|---|---|");
  console.log(
    `| start, embedded, fresh DATA_DIR | ${s.embeddedCold!.boot.toFixed(0)} ms in-process (${s.embeddedCold!.wall.toFixed(0)} ms to listening) |`,
  );
  console.log(
    `| start, embedded, existing DATA_DIR | ${s.embeddedWarm!.boot.toFixed(0)} ms (${s.embeddedWarm!.wall.toFixed(0)} ms) |`,
  );
  console.log(
    `| start, PostgreSQL | ${s.postgres!.boot.toFixed(0)} ms (${s.postgres!.wall.toFixed(0)} ms) |`,
  );
  console.log(
    `| join latency (${CLIENTS} sequential joins) | p50 ${j.p50.toFixed(1)} ms, p99 ${j.p99.toFixed(1)} ms |`,
  );
  console.log(
    `| tick with ${CLIENTS} moving clients | mean ${t.meanMs.toFixed(3)} ms, p99 ≤ ${t.p99UpperBoundMs} ms, ${t.ticks}/${t.expectedTicks} ticks, ${t.overruns} overruns |`,
  );
  mkdirSync("bench/results", { recursive: true });
  writeFileSync("bench/results/foundation.json", JSON.stringify(results, null, 2) + "\n");
  console.log("\nwritten to bench/results/foundation.json");
  process.exit(0);
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
