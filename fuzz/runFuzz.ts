import { readFileSync } from "node:fs";
import type { ServerHandle } from "../test/helpers/serverProcess.js";
import { deployForFuzz, type FuzzMode } from "./deployments.js";
import { FuzzClient } from "./FuzzClient.js";
import { HttpFuzzer, type HttpFinding, type HttpStats } from "./HttpFuzzer.js";
import type { WorldHints } from "./messageGen.js";
import { Observer, type ObserverEvent, type ObserverReport } from "./Observer.js";
import { Prng } from "./Prng.js";

export interface FuzzOptions {
  mode: FuzzMode;
  /** WebSocket frames to send (raw protocol frames, messages and inputs together). */
  frames: number;
  seed: number;
  framesPerSecond: number;
  httpPerSecond: number;
  /** Hostile connections; about half share the honest clients' room. */
  fuzzClients: number;
  honestClients: number;
  /** Ceilings the run asserts (the issue's figures). */
  limits: { healthMs: number; patchGapMs: number; rssGrowthMb: number; logBytesPerSecond: number };
  env?: Record<string, string>;
  progress?: (line: string) => void;
}

export const DEFAULT_LIMITS: FuzzOptions["limits"] = {
  healthMs: 1000,
  patchGapMs: 250,
  rssGrowthMb: 200,
  logBytesPerSecond: 64 * 1024,
};

export interface FuzzReport {
  mode: FuzzMode;
  seed: number;
  seconds: number;
  frames: number;
  framesByKind: Record<string, number>;
  joins: number;
  joinFailures: number;
  closes: Record<string, number>;
  /** What the servers counted (`mxo_messages_total` type/result): how many frames reached which gate. */
  serverCounts: Record<string, number>;
  http: HttpStats;
  httpFindings: HttpFinding[];
  observer: ObserverReport;
  rss: { pid: number; beforeMb: number; afterMb: number; peakMb: number }[];
  server: {
    unhandledRejections: number;
    uncaughtExceptions: number;
    exited: (number | null)[];
    logBytesPerSecond: number;
  };
  faultLines: string[];
  /** What each hostile client had just sent when a stall, a late patch or a server fault was seen. */
  incidents: { event: string; recent: Record<string, string[]> }[];
  violations: string[];
}

const HONEST_DISTRICT = "richland";
const OTHER_DISTRICTS = ["downtown", "westview", "international"];
const FAULT = /"msg":"(unhandled rejection|uncaught exception)"/;
const MAX_INCIDENTS = 10;

function rssMb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Math.round(Number(m[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

/** `mxo_messages_total` by `type/result`, summed over the servers: how far the fuzzed frames got. */
async function messageCounts(servers: ServerHandle[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const s of servers) {
    const text = await (await fetch(`${s.http}/metrics`)).text().catch(() => "");
    for (const m of text.matchAll(/^mxo_messages_total\{type="([^"]*)",result="([^"]*)"\} (\S+)$/gm)) {
      out[`${m[1]}/${m[2]}`] = (out[`${m[1]}/${m[2]}`] ?? 0) + Number(m[3]);
    }
  }
  return out;
}

async function playersOnline(server: ServerHandle): Promise<number> {
  const text = await (await fetch(`${server.http}/metrics`)).text();
  let n = 0;
  for (const line of text.split("\n"))
    if (line.startsWith("mxo_players_online{")) n += Number(line.split(" ").pop());
  return n;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * One fuzz run against real server processes: hostile connections send
 * `frames` frames at a steady pace while an HTTP fuzzer sends random
 * requests and an observer (its own thread) probes /health and times the
 * honest clients' patches. Returns the figures and every violated invariant;
 * the servers are gone when it returns.
 */
export async function runFuzz(opts: FuzzOptions): Promise<FuzzReport> {
  const say = opts.progress ?? (() => {});
  const deployment = await deployForFuzz(opts.mode, opts.env);
  const servers = deployment.servers;
  // Server processes must not outlive the fuzzer, however it ends.
  const killServers = () => servers.forEach((s) => s.proc.kill("SIGKILL"));
  process.once("exit", killServers);
  const endpoints = servers.map((s) => ({ http: s.http, ws: s.ws }));
  const clients: FuzzClient[] = [];
  const incidents: FuzzReport["incidents"] = [];
  const note = (event: string) => {
    if (incidents.length >= MAX_INCIDENTS) return;
    incidents.push({ event, recent: Object.fromEntries(clients.map((c) => [c.name, [...c.recent]])) });
  };
  let observer: Observer | undefined;
  try {
    say(`[${opts.mode}] ${servers.length} server process(es) up; seed ${opts.seed}`);
    observer = await Observer.start(
      {
        servers: endpoints,
        district: HONEST_DISTRICT,
        honestClients: opts.honestClients,
        probeEveryMs: 100,
        probeTimeoutMs: opts.limits.healthMs,
        patchGapLimitMs: opts.limits.patchGapMs,
      },
      (e: ObserverEvent) => {
        if (e.type === "stall")
          note(`${e.what} ${Math.round(e.ms)} ms on ${e.server}${e.error ? ` (${e.error})` : ""}`);
      },
    );
    for (let i = 0; i < opts.fuzzClients; i++) {
      const district = i % 2 === 0 ? HONEST_DISTRICT : OTHER_DISTRICTS[i % OTHER_DISTRICTS.length]!;
      const client = new FuzzClient(`fuzz${i}@${district}`, endpoints, district, new Prng(opts.seed, i + 1));
      await client.start();
      clients.push(client);
    }
    const httpFuzzer = await HttpFuzzer.prepare(endpoints, new Prng(opts.seed, 1000));
    const logStart = servers.map((s) => s.lines.length);
    await sleep(1000);
    observer.measure();
    const rss = servers.map((s) => {
      const mb = rssMb(s.proc.pid);
      return { pid: s.proc.pid ?? 0, beforeMb: mb, afterMb: mb, peakMb: mb };
    });
    say(`[${opts.mode}] ${clients.length} hostile and ${opts.honestClients} honest clients in; fuzzing`);

    const started = Date.now();
    let running = true;
    const httpLoop = (async () => {
      const every = 1000 / Math.max(opts.httpPerSecond, 0.001);
      let next = Date.now();
      const inFlight = new Set<Promise<void>>();
      while (running && opts.httpPerSecond > 0) {
        next += every;
        const p = httpFuzzer
          .one()
          .catch((err: Error) => note(`HTTP fuzzer error (a fuzzer bug): ${err.stack ?? err.message}`))
          .finally(() => inFlight.delete(p));
        inFlight.add(p);
        if (inFlight.size >= 4) await Promise.race(inFlight);
        await sleep(Math.max(0, next - Date.now()));
      }
      await Promise.all(inFlight);
    })();

    let sent = 0;
    let turn = 0;
    let lastReport = started;
    const hints = new Map<FuzzClient, { at: number; hints: WorldHints }>();
    const scanned = servers.map((_s, i) => logStart[i]!);
    let lastSample = 0;
    while (sent < opts.frames) {
      const due = Math.min(opts.frames, Math.floor(((Date.now() - started) / 1000) * opts.framesPerSecond));
      let idle = 0;
      while (sent < due && idle < clients.length) {
        const client = clients[turn++ % clients.length]!;
        let h = hints.get(client);
        if (!h || sent - h.at > 200) hints.set(client, (h = { at: sent, hints: client.hints() }));
        if (client.step(h.hints)) {
          sent++;
          idle = 0;
        } else idle++;
      }
      await sleep(10);
      if (Date.now() - lastSample > 500) {
        lastSample = Date.now();
        servers.forEach((s, i) => {
          const mb = rssMb(s.proc.pid);
          if (mb) rss[i]!.peakMb = Math.max(rss[i]!.peakMb, mb);
          const fresh = s.lines.slice(scanned[i]);
          scanned[i] = s.lines.length;
          const faults = fresh.filter((l) => FAULT.test(l));
          if (faults.length > 0) note(`server ${s.http}: ${faults[0]!.slice(0, 300)}`);
        });
      }
      if (servers.some((s) => s.proc.exitCode !== null || s.proc.signalCode !== null)) {
        note("a server process exited");
        break;
      }
      if (Date.now() - lastReport > 10_000) {
        lastReport = Date.now();
        say(
          `[${opts.mode}] ${sent} frames, ${httpFuzzer.stats.requests} HTTP requests, ${Math.round((Date.now() - started) / 1000)} s`,
        );
      }
    }
    running = false;
    await httpLoop;
    const seconds = (Date.now() - started) / 1000;
    await Promise.all(clients.map((c) => c.stop()));
    const report = await observer.stop();
    observer = undefined;
    await sleep(500);
    servers.forEach((s, i) => (rss[i]!.afterMb = rssMb(s.proc.pid) || rss[i]!.afterMb));

    // Every client has left: no seat may still be held (an abusive close gets no reconnection grace).
    let online = -1;
    for (let i = 0; i < 50 && online !== 0; i++) {
      online = (await Promise.all(servers.map((s) => playersOnline(s).catch(() => -1)))).reduce(
        (a, b) => a + b,
        0,
      );
      if (online !== 0) await sleep(200);
    }

    const counted = await messageCounts(servers).catch(() => ({}));
    const windowLines = servers.flatMap((s, i) => s.lines.slice(logStart[i]));
    const faultLines = windowLines.filter((l) => FAULT.test(l));
    const logBytes = windowLines.reduce((n, l) => n + l.length + 1, 0);
    const stats = clients.map((c) => c.stats);
    const sum = (f: (s: (typeof stats)[number]) => Record<string, number>) => {
      const out: Record<string, number> = {};
      for (const s of stats) for (const [k, v] of Object.entries(f(s))) out[k] = (out[k] ?? 0) + v;
      return out;
    };
    const result: FuzzReport = {
      mode: opts.mode,
      seed: opts.seed,
      seconds: Math.round(seconds * 10) / 10,
      frames: sent,
      framesByKind: sum((s) => s.byKind),
      joins: stats.reduce((n, s) => n + s.joins, 0),
      joinFailures: stats.reduce((n, s) => n + s.joinFailures, 0),
      closes: sum((s) => s.closes),
      serverCounts: counted,
      http: httpFuzzer.stats,
      httpFindings: httpFuzzer.findings,
      observer: report,
      rss,
      server: {
        unhandledRejections: faultLines.filter((l) => l.includes("unhandled rejection")).length,
        uncaughtExceptions: faultLines.filter((l) => l.includes("uncaught exception")).length,
        exited: servers.map((s) => s.proc.exitCode),
        logBytesPerSecond: Math.round(logBytes / seconds),
      },
      faultLines: faultLines.slice(0, 20).map((l) => l.slice(0, 2000)),
      incidents,
      violations: [],
    };
    result.violations = judge(result, opts, online);
    return result;
  } finally {
    await observer?.stop().catch(() => {});
    await Promise.all(clients.map((c) => c.stop().catch(() => {})));
    await deployment.cleanup();
    process.off("exit", killServers);
  }
}

function judge(r: FuzzReport, opts: FuzzOptions, online: number): string[] {
  const v: string[] = [];
  const o = r.observer;
  if (r.frames < opts.frames) v.push(`sent only ${r.frames} of ${opts.frames} frames`);
  if (r.server.exited.some((c) => c !== null))
    v.push(`a server process exited: ${r.server.exited.join(", ")}`);
  if (r.server.uncaughtExceptions > 0) v.push(`${r.server.uncaughtExceptions} uncaught exception(s)`);
  if (r.server.unhandledRejections > 0) v.push(`${r.server.unhandledRejections} unhandled rejection(s)`);
  if (o.probeFailures > 0)
    v.push(`${o.probeFailures} /health probe(s) failed or took over ${opts.limits.healthMs} ms`);
  if (o.longestHealthMs > opts.limits.healthMs) v.push(`/health took ${o.longestHealthMs} ms`);
  if (o.maxPatchGapMs > opts.limits.patchGapMs)
    v.push(`an honest client waited ${o.maxPatchGapMs} ms for a patch`);
  const expectWalk = 6 * r.seconds * 0.5;
  for (const [i, h] of o.honest.entries()) {
    if (h.left !== null) v.push(`honest client ${i} was disconnected (${h.left})`);
    else if (h.walked < expectWalk) v.push(`honest client ${i} walked ${h.walked} units in ${r.seconds} s`);
  }
  for (const x of r.rss) {
    if (x.afterMb - x.beforeMb > opts.limits.rssGrowthMb) {
      v.push(`server ${x.pid} RSS grew ${x.afterMb - x.beforeMb} MB (${x.beforeMb} → ${x.afterMb})`);
    }
  }
  if (r.server.logBytesPerSecond > opts.limits.logBytesPerSecond) {
    v.push(`the servers logged ${r.server.logBytesPerSecond} bytes/s`);
  }
  if (online !== 0) v.push(`${online} player(s) still counted online after every client left`);
  const byProblem = new Map<string, number>();
  for (const f of r.httpFindings) byProblem.set(f.problem, (byProblem.get(f.problem) ?? 0) + 1);
  for (const [problem, n] of byProblem) v.push(`${n} HTTP answer(s): ${problem}`);
  return v;
}
