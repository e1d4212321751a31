import { http, sleep } from "../../test/helpers/api.js";
import type { ServerHandle } from "../../test/helpers/serverProcess.js";
import { procSample } from "../lib/proc.js";
import { diffPg, emptyPg, type PgCounter, type PgFigures } from "./pgCounter.js";
import { diffRedis, type RedisCounter, type RedisFigures } from "./redisCounter.js";

/** What one phase cost in all: Redis, PostgreSQL, the servers' CPU, and their autosave batches. */
export interface Cost {
  seconds: number;
  redis: RedisFigures;
  pg: PgFigures;
  serverCpuMs: number;
  /** Character save batches the servers wrote (mxo_db_save_duration_seconds count and sum). */
  saveBatches: number;
  saveSeconds: number;
}

export interface Phase {
  name: string;
  /** What one operation is ("line", "join", "batch"…) and how many were done. */
  unit: string;
  ops: number;
  /** Players online and processes up while it ran. */
  players: number;
  processes: number;
  raw: Cost;
  /** Raw minus the background (the idle phase's rate × this phase's seconds), never below zero. */
  net?: Cost;
  /** What arrived where it should (chat lines heard, trades done…): the run's own check. */
  arrived: Record<string, number>;
}

interface Snapshot {
  at: number;
  redis: RedisFigures;
  pg: PgFigures;
  cpuMs: number;
  saves: { count: number; sum: number };
}

export class Meter {
  constructor(
    private readonly redis: RedisCounter,
    private readonly pg: PgCounter,
    readonly servers: () => ServerHandle[],
    private readonly quietMs: number,
  ) {}

  private async snapshot(): Promise<Snapshot> {
    const servers = this.servers();
    const saves = { count: 0, sum: 0 };
    for (const s of servers) {
      const text = String((await http(s.http, "GET", "/metrics")).body);
      saves.count += Number(/^mxo_db_save_duration_seconds_count (\S+)/m.exec(text)?.[1] ?? 0);
      saves.sum += Number(/^mxo_db_save_duration_seconds_sum (\S+)/m.exec(text)?.[1] ?? 0);
    }
    return {
      at: performance.now(),
      redis: await this.redis.snapshot(),
      pg: this.pg.snapshot(),
      cpuMs: servers.reduce((n, s) => n + procSample(s.proc.pid!).cpuSeconds * 1000, 0),
      saves,
    };
  }

  /**
   * Runs `fn` between two snapshots, after a quiet gap (the previous phase's
   * asynchronous writes land first) and with a settling gap after it (chat
   * history appends, analytics batches flushed every second).
   */
  async measure(
    name: string,
    unit: string,
    players: number,
    fn: () => Promise<{ ops: number; arrived?: Record<string, number> }>,
  ): Promise<Phase> {
    process.stdout.write(`  ${name}… `);
    await sleep(this.quietMs);
    const a = await this.snapshot();
    const { ops, arrived = {} } = await fn();
    await sleep(Math.min(this.quietMs, 1500));
    const b = await this.snapshot();
    const raw: Cost = {
      seconds: (b.at - a.at) / 1000,
      redis: diffRedis(a.redis, b.redis),
      pg: diffPg(a.pg, b.pg),
      serverCpuMs: b.cpuMs - a.cpuMs,
      saveBatches: b.saves.count - a.saves.count,
      saveSeconds: b.saves.sum - a.saves.sum,
    };
    console.log(`${ops} ${unit}s in ${raw.seconds.toFixed(1)} s`);
    return { name, unit, ops, players, processes: this.servers().length, raw, arrived };
  }
}

/** `phase.raw` minus `idle`'s rate for as long as `phase` ran. */
export function netOf(phase: Phase, idle: Phase): Cost {
  const f = phase.raw.seconds / idle.raw.seconds;
  const sub = (x: number, y: number) => Math.max(0, x - y * f);
  const r = phase.raw.redis;
  const byCommand: RedisFigures["byCommand"] = {};
  for (const [k, v] of Object.entries(r.byCommand)) {
    const o = idle.raw.redis.byCommand[k] ?? { calls: 0, usec: 0 };
    const calls = sub(v.calls, o.calls);
    if (calls > 0) byCommand[k] = { calls, usec: sub(v.usec, o.usec) };
  }
  const p = phase.raw.pg;
  const pg: PgFigures = { ...emptyPg(), byStatement: {} };
  for (const [k, v] of Object.entries(p.byStatement)) {
    const o = idle.raw.pg.byStatement[k] ?? { count: 0, writes: 0, rowsWritten: 0, rowsRead: 0, ms: 0 };
    const count = sub(v.count, o.count);
    if (count > 0) {
      pg.byStatement[k] = {
        count,
        writes: sub(v.writes, o.writes),
        rowsWritten: sub(v.rowsWritten, o.rowsWritten),
        rowsRead: sub(v.rowsRead, o.rowsRead),
        ms: sub(v.ms, o.ms),
      };
    }
  }
  const i = idle.raw;
  return {
    seconds: phase.raw.seconds,
    redis: {
      commands: sub(r.commands, i.redis.commands),
      usec: sub(r.usec, i.redis.usec),
      bytesIn: sub(r.bytesIn, i.redis.bytesIn),
      bytesOut: sub(r.bytesOut, i.redis.bytesOut),
      cpuMs: sub(r.cpuMs, i.redis.cpuMs),
      byCommand,
    },
    pg: {
      ...pg,
      statements: sub(p.statements, i.pg.statements),
      writes: sub(p.writes, i.pg.writes),
      rowsWritten: sub(p.rowsWritten, i.pg.rowsWritten),
      rowsRead: sub(p.rowsRead, i.pg.rowsRead),
      bytesToPg: sub(p.bytesToPg, i.pg.bytesToPg),
      bytesFromPg: sub(p.bytesFromPg, i.pg.bytesFromPg),
      ms: sub(p.ms, i.pg.ms),
    },
    serverCpuMs: sub(phase.raw.serverCpuMs, i.serverCpuMs),
    saveBatches: sub(phase.raw.saveBatches, i.saveBatches),
    saveSeconds: sub(phase.raw.saveSeconds, i.saveSeconds),
  };
}
