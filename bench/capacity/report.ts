import type { Ceilings } from "./ceilings.js";
import type { Load } from "./model.js";
import type { Cost, Phase } from "./phase.js";

const fmt = (x: number, digits = 1) =>
  !Number.isFinite(x)
    ? "∞"
    : Math.abs(x) >= 1e6
      ? `${(x / 1e6).toFixed(digits)} M`
      : Math.abs(x) >= 1e4
        ? `${(x / 1e3).toFixed(digits)} k`
        : x.toFixed(digits);
const bytes = (x: number) =>
  x >= 1 << 20
    ? `${(x / (1 << 20)).toFixed(1)} MB`
    : x >= 1024
      ? `${(x / 1024).toFixed(1)} KB`
      : `${x.toFixed(0)} B`;

/** The top `k` entries of a per-name tally, per operation: "publish 2.0, get 1.0". */
function top(entries: [string, number][], per: number, k = 3): string {
  return entries
    .sort((a, b) => b[1] - a[1])
    .slice(0, k)
    .map(([name, v]) => `${name} ${(v / per).toFixed(1)}`)
    .join(", ");
}

export function perOpRow(p: Phase, cpuPerCommandUs: number): string {
  const c: Cost = p.net ?? p.raw;
  const per = Math.max(1, p.ops);
  const cmds = top(
    Object.entries(c.redis.byCommand).map(([k, v]) => [k, v.calls]),
    per,
  );
  return (
    `| ${p.name} | ${p.ops} ${p.unit}s | ${fmt(c.redis.commands / per)} | ${bytes(c.redis.bytesIn / per)} / ${bytes(c.redis.bytesOut / per)} ` +
    `| ${fmt((c.redis.commands * cpuPerCommandUs) / per, 0)} µs | ${fmt(c.pg.statements / per)} (${fmt(c.pg.writes / per)}) | ${fmt(c.pg.rowsWritten / per)} ` +
    `| ${(c.pg.ms / per).toFixed(2)} ms | ${fmt(c.serverCpuMs / per, 2)} ms | ${cmds} |`
  );
}

export function printPhases(phases: Phase[], cpuPerCommandUs: number): void {
  console.log(
    `\nPer operation (net of the idle background; Redis CPU = commands × ${cpuPerCommandUs.toFixed(1)} µs, redis-server's /proc CPU per command under redis-benchmark; PostgreSQL from the counting proxy)\n`,
  );
  console.log(
    "| operation | done | Redis cmds/op | Redis bytes in / out per op | Redis CPU/op | PG statements (writes)/op | PG rows written/op | PG time/op | servers' CPU/op | top Redis commands/op |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|---|");
  for (const p of phases) console.log(perOpRow(p, cpuPerCommandUs));
  console.log("\nWhat arrived (the run's own check):");
  for (const p of phases) {
    if (Object.keys(p.arrived).length) console.log(`  ${p.name}: ${JSON.stringify(p.arrived)}`);
  }
}

export interface AutosaveFigures {
  batches: number;
  rowsPerBatch: number;
  statementsPerBatch: number;
  msPerBatch: number;
  serverMsPerBatch: number;
}

export function printBackground(idle: Phase[], autosave: AutosaveFigures): void {
  console.log("\nBackground (no operation running)\n");
  console.log(
    "| state | processes | players | Redis cmds/s | Redis bytes/s | Redis CPU | PG statements/s | PG rows/s | servers' CPU |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|");
  for (const p of idle) {
    const s = p.raw.seconds;
    const r = p.raw;
    console.log(
      `| ${p.name} | ${p.processes} | ${p.players} | ${fmt(r.redis.commands / s)} | ${bytes((r.redis.bytesIn + r.redis.bytesOut) / s)} ` +
        `| ${((r.redis.cpuMs / s / 1000) * 100).toFixed(2)} % | ${fmt(r.pg.statements / s)} | ${fmt(r.pg.rowsWritten / s)} | ${((r.serverCpuMs / s / 1000) * 100).toFixed(1)} % of a core |`,
    );
  }
  console.log(
    `\nAutosave: ${autosave.batches} batches, ${autosave.rowsPerBatch.toFixed(1)} rows/batch, ` +
      `${autosave.statementsPerBatch.toFixed(2)} statements/batch, ${autosave.msPerBatch.toFixed(2)} ms/batch at PostgreSQL ` +
      `(${autosave.serverMsPerBatch.toFixed(2)} ms as the server times it: mxo_db_save_duration_seconds)`,
  );
}

export function printCeilings(c: Ceilings): void {
  console.log("\nCeilings measured on this machine\n");
  for (const [k, v] of Object.entries(c.redisOpsPerSecond))
    console.log(`  redis-benchmark ${k}: ${fmt(v)} ops/s (50 clients)`);
  console.log(
    `  pgbench single-row UPDATE: ${fmt(c.pgSingleRowUpdatesPerSecond)} statements/s (4 clients, ${c.seconds} s)`,
  );
  console.log(
    `  redis-server CPU per command under redis-benchmark: ${c.redisCpuPerCommandUs.toFixed(1)} µs`,
  );
  console.log(
    `  pgbench 100-row UPDATE: ${fmt(c.pgBatchedRowsPerSecond)} rows/s (4 clients, ${c.seconds} s)`,
  );
}

export function printModel(loads: Load[], saturation: Record<string, number>): void {
  console.log("\nExtrapolation (assumed rates × measured costs)\n");
  console.log(
    "| players | processes | Redis cmds/s | Redis bytes/s | Redis CPU (cores) | PG statements/s | PG writes/s | PG rows written/s | PG bytes/s | PG busy (s/s) |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|---|");
  for (const l of loads) {
    const f = l.perSecond;
    console.log(
      `| ${fmt(l.players, 0)} | ${l.processes} | ${fmt(f.redisCommands, 0)} | ${bytes(f.redisBytes)} | ${(f.redisCpuMs / 1000).toFixed(2)} ` +
        `| ${fmt(f.pgStatements, 0)} | ${fmt(f.pgWrites, 0)} | ${fmt(f.pgRowsWritten, 0)} | ${bytes(f.pgBytes)} | ${(f.pgMs / 1000).toFixed(2)} |`,
    );
  }
  const last = loads.at(-1)!;
  console.log(`\nWhere the load goes at ${fmt(last.players, 0)} players (per second):`);
  for (const b of last.breakdown.slice(0, 10)) {
    console.log(
      `  ${b.what}: Redis CPU ${(b.redisCpuMs / 10).toFixed(1)} % of a core, PG ${fmt(b.pgWrites, 0)} writes, ${fmt(b.pgRowsWritten, 0)} rows`,
    );
  }
  console.log("\nPlayers at which each ceiling is reached (one Redis, one PostgreSQL):");
  const names: Record<string, string> = {
    redisCpu: "Redis CPU (one core)",
    redisOps: "Redis commands/s (redis-benchmark's slowest)",
    pgWrites: "PostgreSQL write statements/s (pgbench single-row updates)",
    pgRows: "PostgreSQL rows written/s (pgbench 100-row updates)",
    pg: "PostgreSQL, writes and rows together (each as its share of its ceiling)",
  };
  const sorted = Object.entries(saturation).sort((a, b) => a[1] - b[1]);
  for (const [k, v] of sorted) console.log(`  ${names[k] ?? k}: ${fmt(v, 0)} players`);
  console.log(`\nFirst bottleneck: ${names[sorted[0]![0]]} at about ${fmt(sorted[0]![1], 0)} players.`);
}
