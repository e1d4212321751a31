import type { Ceilings } from "./ceilings.js";
import type { Cost, Phase } from "./phase.js";

/**
 * The extrapolation: measured costs × assumed per-player rates. Each figure
 * it prints says where it came from: per-operation costs from a phase of the
 * run (net of background), the background from the idle phases (a part per
 * process that grows with the number of processes — every process checks
 * every other one — and a part per player online), the ceilings from
 * redis-benchmark / pgbench on this machine.
 */

/** Operations per player per minute (assumptions; the doc's table). */
export const RATES_PER_PLAYER_MINUTE: Record<string, number> = {
  login: 1 / 60, // a session of an hour
  join: 1 / 60,
  leave: 1 / 60,
  travel: 0.1,
  "chat say": 1,
  "chat district": 0.2,
  "chat organization": 0.2,
  "chat global": 0.05,
  "chat team": 0.3,
  whisper: 0.3,
  "team form": 1 / 60,
  trade: 0.02,
  "ledger grant": 0.01,
};
/** Announcements in the whole world per minute (a GM's, not per player). */
export const ANNOUNCES_PER_MINUTE = 1 / 30;
/** Operations whose Redis output and CPU grow with the number of processes (pub/sub to every one). */
export const FAN_OUT = new Set([
  "chat district",
  "chat organization",
  "chat global",
  "chat team",
  "whisper",
  "announce",
]);

export interface Flow {
  redisCommands: number;
  redisBytes: number;
  redisCpuMs: number;
  pgStatements: number;
  pgWrites: number;
  pgRowsWritten: number;
  pgBytes: number;
  pgMs: number;
}

const zero = (): Flow => ({
  redisCommands: 0,
  redisBytes: 0,
  redisCpuMs: 0,
  pgStatements: 0,
  pgWrites: 0,
  pgRowsWritten: 0,
  pgBytes: 0,
  pgMs: 0,
});

/**
 * Redis CPU of a cost: its commands (commandstats, exact per phase) times
 * redis-server's whole CPU per command under redis-benchmark (/proc, 10 ms
 * ticks: too coarse for one short phase). A command's own time in a phase is
 * no measure: at a few a second it reads many times what it takes under load.
 */
let cpuPerCommandUs = 1;

/** A cost per `per`; with `fanOut`, PUBLISH's time and the bytes out (deliveries to every process) scaled by it. */
function flowOf(c: Cost, per: number, fanOut = 1): Flow {
  const publishes = c.redis.byCommand.publish?.calls ?? 0;
  const commands = c.redis.commands + publishes * (fanOut - 1);
  return {
    redisCommands: c.redis.commands / per,
    redisBytes: (c.redis.bytesIn + c.redis.bytesOut * fanOut) / per,
    redisCpuMs: (commands * cpuPerCommandUs) / 1000 / per,
    pgStatements: c.pg.statements / per,
    pgWrites: c.pg.writes / per,
    pgRowsWritten: c.pg.rowsWritten / per,
    pgBytes: (c.pg.bytesToPg + c.pg.bytesFromPg) / per,
    pgMs: c.pg.ms / per,
  };
}

function add(a: Flow, b: Flow, k = 1): Flow {
  const out = { ...a };
  for (const key of Object.keys(out) as (keyof Flow)[]) out[key] += b[key] * k;
  return out;
}

export interface ModelInputs {
  /** Idle with no players at two process counts (fits background per process = a + b·P). */
  idleFew: Phase;
  idleMany: Phase;
  /** Idle with players online (autosave, renewals). */
  idlePlayers: Phase;
  ops: Phase[];
  playersPerProcess: number;
  ceilings: Ceilings;
}

export interface Load {
  players: number;
  processes: number;
  perSecond: Flow;
  /** Share of each ceiling used (1 = saturated). */
  /** pg: each write statement as a commit of pgbench's single-row ceiling plus each row as one of its 100-row one. */
  use: { redisCpu: number; redisOps: number; pgWrites: number; pgRows: number; pg: number };
  /** Where the Redis CPU and PostgreSQL rows go. */
  breakdown: { what: string; redisCpuMs: number; pgRowsWritten: number; pgWrites: number }[];
}

export function makeModel(m: ModelInputs) {
  cpuPerCommandUs = m.ceilings.redisCpuPerCommandUs;
  const perProcSec = (p: Phase) => flowOf(p.raw, p.processes * p.raw.seconds);
  const few = perProcSec(m.idleFew);
  const many = perProcSec(m.idleMany);
  const dp = Math.max(1, m.idleMany.processes - m.idleFew.processes);
  // Per process per second at P processes: a + b·P (b: the share that is one process talking to each other one).
  const slope = add(many, few, -1);
  for (const k of Object.keys(slope) as (keyof Flow)[]) slope[k] = Math.max(0, slope[k] / dp);
  const base = add(few, slope, -m.idleFew.processes);
  for (const k of Object.keys(base) as (keyof Flow)[]) base[k] = Math.max(0, base[k]);
  const backgroundAt = (p: number) => add(base, slope, p);
  const ip = m.idlePlayers;
  const online = add(flowOf(ip.raw, ip.raw.seconds), backgroundAt(ip.processes), -ip.processes);
  for (const k of Object.keys(online) as (keyof Flow)[]) online[k] = Math.max(0, online[k]);
  // Players online cost Redis per player (a lease renewal each) and PostgreSQL rows per player,
  // but PostgreSQL statements per process: autosave writes a room's players in one statement,
  // claims are renewed in one.
  const perPlayerSec: Flow = {
    ...zero(),
    redisCommands: online.redisCommands / ip.players,
    redisBytes: online.redisBytes / ip.players,
    redisCpuMs: online.redisCpuMs / ip.players,
    pgRowsWritten: online.pgRowsWritten / ip.players,
    pgBytes: online.pgBytes / ip.players,
  };
  const perProcessOnlineSec: Flow = {
    ...zero(),
    pgStatements: online.pgStatements / ip.processes,
    pgWrites: online.pgWrites / ip.processes,
    pgMs: online.pgMs / ip.processes,
  };
  const redisCeiling = Math.min(...Object.values(m.ceilings.redisOpsPerSecond));

  function load(players: number): Load {
    const processes = Math.max(1, Math.ceil(players / m.playersPerProcess));
    const breakdown: Load["breakdown"] = [];
    const part = (what: string, f: Flow, k: number) => {
      breakdown.push({
        what,
        redisCpuMs: f.redisCpuMs * k,
        pgRowsWritten: f.pgRowsWritten * k,
        pgWrites: f.pgWrites * k,
      });
      return [f, k] as const;
    };
    const parts = [
      part("processes' background", backgroundAt(processes), processes),
      part("players online: rows, leases (autosave, renewals)", perPlayerSec, players),
      part("players online: statements (autosave, renewals)", perProcessOnlineSec, processes),
    ];
    for (const phase of m.ops) {
      const perMinute =
        phase.name === "announce"
          ? ANNOUNCES_PER_MINUTE
          : (RATES_PER_PLAYER_MINUTE[phase.name] ?? 0) * players;
      if (!perMinute || !phase.ops) continue;
      const fan = FAN_OUT.has(phase.name) ? processes / phase.processes : 1;
      parts.push(part(phase.name, flowOf(phase.net ?? phase.raw, phase.ops, fan), perMinute / 60));
    }
    const perSecond = parts.reduce((acc, [f, k]) => add(acc, f, k), zero());
    return {
      players,
      processes,
      perSecond,
      use: {
        redisCpu: perSecond.redisCpuMs / 1000,
        redisOps: perSecond.redisCommands / redisCeiling,
        pgWrites: perSecond.pgWrites / m.ceilings.pgSingleRowUpdatesPerSecond,
        pgRows: perSecond.pgRowsWritten / m.ceilings.pgBatchedRowsPerSecond,
        pg:
          perSecond.pgWrites / m.ceilings.pgSingleRowUpdatesPerSecond +
          perSecond.pgRowsWritten / m.ceilings.pgBatchedRowsPerSecond,
      },
      breakdown: breakdown.sort((a, b) => b.redisCpuMs - a.redisCpuMs),
    };
  }

  /** The first player count (to 1%) at which each ceiling is reached, searched up to ten million. */
  function saturation(): Record<keyof Load["use"], number> {
    const out = {} as Record<keyof Load["use"], number>;
    for (const key of ["redisCpu", "redisOps", "pgWrites", "pgRows", "pg"] as const) {
      let lo = 100;
      let hi = 10_000_000;
      if (load(hi).use[key] < 1) {
        out[key] = Infinity;
        continue;
      }
      while (hi / lo > 1.01) {
        const mid = Math.sqrt(lo * hi);
        if (load(mid).use[key] >= 1) hi = mid;
        else lo = mid;
      }
      out[key] = Math.round(hi);
    }
    return out;
  }

  return { load, saturation, backgroundAt, perPlayerSec, perProcessOnlineSec };
}
