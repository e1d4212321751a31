/**
 * Scale-out measurements on this machine (real Redis and PostgreSQL):
 * district travel latency across processes (p50/p99), the time to drain a
 * process holding N clients and to have all of them playing again elsewhere,
 * and how long after `kill -9` matchmaking stops pointing at the dead process.
 *
 *   npm run bench:cluster -- [--clients 100] [--travels 60]
 *
 * Prints a table and writes bench/results/cluster.json. Figures, not assertions.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { Client, type Room } from "@colyseus/sdk";
import { http, me, newPlayer, sleep, waitFor, type TestPlayer } from "../test/helpers/api.js";
import { ADMIN, processIdOf, startCluster } from "../test/helpers/cluster.js";

const { values } = parseArgs({
  options: { clients: { type: "string", default: "100" }, travels: { type: "string", default: "60" } },
});
const CLIENTS = Number(values.clients);
const TRAVELS = Number(values.travels);
const DISTRICTS = ["richland", "westview", "downtown", "international"];

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
};

async function join(
  ws: string,
  p: TestPlayer,
  district: string,
): Promise<{ client: Client; room: Room<any> }> {
  const client = new Client(ws);
  client.auth.token = p.token;
  const room = await client.joinOrCreate("district", { district, characterId: p.characterId });
  room.onMessage("*", () => {});
  room.reconnection.enabled = false;
  return { client, room };
}

async function main() {
  const results: Record<string, unknown> = {
    clients: CLIENTS,
    travels: TRAVELS,
    at: new Date().toISOString(),
  };
  // One process first, so every district room of the drain test lives on it.
  const c = await startCluster(1, {
    AUTOSAVE_SECONDS: "5",
    RECONNECT_GRACE_SECONDS: "0",
    MAX_MESSAGES_PER_SECOND: "100",
  });
  try {
    const [victim] = c.servers;
    const token = (await http(victim!.http, "POST", "/auth/login", { body: ADMIN })).body.token;

    process.stdout.write(`creating ${CLIENTS} players… `);
    const players: TestPlayer[] = [];
    for (let i = 0; i < CLIENTS; i++) players.push(await newPlayer(victim!.http));
    console.log("done");

    process.stdout.write(`seating ${CLIENTS} clients on process 1… `);
    const seated = await Promise.all(players.map((p, i) => join(victim!.ws, p, DISTRICTS[i % 4]!)));
    console.log("done");
    // Two more processes: drained players spread over them, so travel crosses processes.
    const survivor = await c.start();
    const other = await c.start();

    // --- drain ---------------------------------------------------------------
    process.stdout.write(`draining process 1 with ${CLIENTS} clients… `);
    const back: Promise<number>[] = [];
    const t0 = performance.now();
    for (const [i, s] of seated.entries()) {
      back.push(
        new Promise<number>((resolve, reject) => {
          s.room.onLeave(async (code: number) => {
            if (code !== 4120) return reject(new Error(`closed with ${code}`));
            try {
              const again = await join(survivor.ws, players[i]!, DISTRICTS[i % 4]!);
              await waitFor(() => me(again.room));
              seated[i] = again;
              resolve(performance.now() - t0);
            } catch (err) {
              reject(err);
            }
          });
        }),
      );
    }
    const report = (await http(victim!.http, "POST", "/api/v1/admin/drain", { token })).body;
    const drainedMs = performance.now() - t0;
    const rejoinMs = await Promise.all(back);
    console.log("done");
    results.drain = {
      serverReportedMs: report.ms,
      drainCallMs: drainedMs,
      allPlayingAgainMs: Math.max(...rejoinMs),
    };
    await victim!.stop("SIGTERM");
    const second = other;

    // --- travel -------------------------------------------------------------
    // Everyone leaves so the district rooms close; then travellers open them
    // again one district at a time, alternating the two live processes, so
    // the rooms spread and travel crosses a process boundary.
    process.stdout.write(`${TRAVELS} travels between districts across two processes… `);
    const listRooms = async () =>
      (await http(survivor.http, "GET", "/api/v1/admin/districts", { token })).body as {
        roomId: string;
        district: string;
        processId: string;
      }[];
    await Promise.all(seated.map((s) => s.room.leave().catch(() => {})));
    await waitFor(async () => (await listRooms()).length === 0, { timeoutMs: 30_000, intervalMs: 200 });
    const travellers: { client: Client; room: Room<any> }[] = [];
    const perDistrict = Math.max(1, Math.floor(Math.min(players.length, 20) / DISTRICTS.length));
    for (const [i, district] of DISTRICTS.entries()) {
      const via = i % 2 === 0 ? survivor : other;
      for (let k = 0; k < perDistrict; k++) {
        travellers.push(await join(via.ws, players[i * perDistrict + k]!, district));
      }
      await waitFor(async () => (await listRooms()).some((r) => r.district === district), {
        timeoutMs: 10_000,
      });
      await sleep(1500); // presence stats settle, so the next room goes to the process with fewer
    }
    for (const t of travellers) await waitFor(() => me(t.room));
    const processOf = new Map((await listRooms()).map((r) => [r.roomId, r.processId]));
    const travelMs: number[] = [];
    const crossingMs: number[] = [];
    for (let i = 0; i < TRAVELS; i++) {
      const s = travellers[i % travellers.length]!;
      const target = DISTRICTS[(DISTRICTS.indexOf(s.room.state.district) + 1 + (i % 3)) % 4]!;
      const started = performance.now();
      const answer = new Promise<any>((resolve) => s.room.onMessage("travel", resolve));
      s.room.send("travel", { district: target });
      const { reservation } = await answer;
      const next = await s.client.consumeSeatReservation(reservation);
      next.onMessage("*", () => {});
      next.reconnection.enabled = false;
      await waitFor(() => me(next));
      const ms = performance.now() - started;
      travelMs.push(ms);
      if (processOf.get(s.room.roomId) !== processOf.get(next.roomId)) crossingMs.push(ms);
      void s.room.leave();
      travellers[i % travellers.length] = { client: s.client, room: next };
    }
    console.log("done");
    seated.splice(0, seated.length, ...travellers);
    results.travel = {
      p50: pct(travelMs, 50),
      p99: pct(travelMs, 99),
      max: Math.max(...travelMs),
      processesHostingRooms: new Set(processOf.values()).size,
      crossing: { count: crossingMs.length, p50: pct(crossingMs, 50), p99: pct(crossingMs, 99) },
    };

    // --- kill -9 -------------------------------------------------------------
    process.stdout.write("kill -9 of one process… ");
    const deadId = processIdOf(second);
    const killedAt = performance.now();
    await second.stop("SIGKILL");
    await waitFor(
      async () =>
        !((await http(survivor.http, "GET", "/api/v1/admin/districts", { token })).body as any[]).some(
          (r) => r.processId === deadId,
        ),
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    results.killMinus9 = { roomsLeftMatchmakingAfterMs: performance.now() - killedAt };
    console.log("done");
    for (const s of seated) void s.room.leave().catch(() => {});
    await sleep(200);
  } finally {
    await c.cleanup();
  }

  const d = results.drain as { serverReportedMs: number; drainCallMs: number; allPlayingAgainMs: number };
  const t = results.travel as {
    p50: number;
    p99: number;
    max: number;
    processesHostingRooms: number;
    crossing: { count: number; p50: number; p99: number };
  };
  const k = results.killMinus9 as { roomsLeftMatchmakingAfterMs: number };
  console.log("\n| measurement | value |\n|---|---|");
  console.log(`| drain with ${CLIENTS} clients (server-side) | ${d.serverReportedMs.toFixed(0)} ms |`);
  console.log(
    `| drain call returned / all ${CLIENTS} playing again on another process | ${d.drainCallMs.toFixed(0)} ms / ${d.allPlayingAgainMs.toFixed(0)} ms |`,
  );
  console.log(
    `| travel latency (${TRAVELS} travels, rooms on ${t.processesHostingRooms} processes) | p50 ${t.p50.toFixed(1)} ms, p99 ${t.p99.toFixed(1)} ms, max ${t.max.toFixed(1)} ms |`,
  );
  console.log(
    `| of which across processes (${t.crossing.count}) | p50 ${t.crossing.p50.toFixed(1)} ms, p99 ${t.crossing.p99.toFixed(1)} ms |`,
  );
  console.log(`| kill -9 → rooms out of matchmaking | ${k.roomsLeftMatchmakingAfterMs.toFixed(0)} ms |`);
  mkdirSync("bench/results", { recursive: true });
  writeFileSync("bench/results/cluster.json", JSON.stringify(results, null, 2) + "\n");
  console.log("\nwritten to bench/results/cluster.json");
  process.exit(0);
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
