import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { createServer } from "node:net";

/** Clock ticks per second for /proc/<pid>/stat times (USER_HZ; 100 on Linux). */
const CLK_TCK = 100;
const PAGE_SIZE = 4096;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface ProcSample {
  /** utime + stime of the process (all its threads), seconds. */
  cpuSeconds: number;
  rssBytes: number;
  at: number;
}

/** CPU time and resident memory of a process, from /proc (not wall time). */
export function procSample(pid: number): ProcSample {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the parenthesised command name, which may contain spaces.
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // rest[0] is field 3 (state): utime is field 14, stime 15, rss 24.
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  const rssPages = Number(rest[21]);
  return { cpuSeconds: (utime + stime) / CLK_TCK, rssBytes: rssPages * PAGE_SIZE, at: performance.now() };
}

export interface ChildServer {
  proc: ChildProcess;
  pid: number;
  lines: string[];
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/**
 * Starts `node <nodeArgs> <script>` in `cwd` and resolves once `ready()`
 * holds (a log line, or an HTTP probe). Output lines are kept for errors.
 */
export async function startNode(opts: {
  cwd: string;
  script: string;
  nodeArgs: string[];
  env: Record<string, string>;
  ready: (lines: string[]) => boolean | Promise<boolean>;
  timeoutMs?: number;
  /** Pins the process to these CPUs from its start (see pinToCpus). */
  cpus?: string | undefined;
}): Promise<ChildServer> {
  const proc = spawn(process.execPath, [...opts.nodeArgs, opts.script], {
    cwd: opts.cwd,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...opts.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (opts.cpus !== undefined) pinToCpus(proc.pid!, opts.cpus);
  const lines: string[] = [];
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n")) if (line) lines.push(line);
    if (lines.length > 2000) lines.splice(0, lines.length - 1000);
  };
  proc.stdout!.on("data", onData);
  proc.stderr!.on("data", onData);
  const exited = new Promise<number | null>((res) => proc.once("exit", (code) => res(code)));
  let dead = false;
  void exited.then(() => (dead = true));
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  for (;;) {
    if (dead) throw new Error(`${opts.script} exited before it was ready:\n${lines.slice(-30).join("\n")}`);
    if (await opts.ready(lines)) break;
    if (Date.now() > deadline) {
      proc.kill("SIGKILL");
      throw new Error(`${opts.script} was not ready in time:\n${lines.slice(-30).join("\n")}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    proc,
    pid: proc.pid!,
    lines,
    exited,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** True once `url` answers 2xx. */
export async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url);
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

/** Busy CPU seconds of the whole machine so far (all cores), from /proc/stat. */
export function machineBusySeconds(): number {
  const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0]!;
  // cpu user nice system idle iowait irq softirq steal guest guest_nice
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  const busy = f[0]! + f[1]! + f[2]! + f[5]! + f[6]! + f[7]!;
  return busy / CLK_TCK;
}

/**
 * Pins every thread of process `pid` to the CPUs in `cpus` (taskset's list
 * form, e.g. "0" or "0-1"); threads it starts later inherit it. Lets a run
 * give the server a core of its own, away from the bots.
 */
export function pinToCpus(pid: number, cpus: string): void {
  execFileSync("taskset", ["--all-tasks", "--cpu-list", "--pid", cpus, String(pid)], { stdio: "ignore" });
}

/** The CPUs this machine has, in taskset's list form, without those in `taken`. */
export function otherCpus(taken: string): string {
  const used = new Set<number>();
  for (const part of taken.split(",")) {
    const [from, to = from] = part.split("-").map(Number);
    for (let c = from!; c <= to!; c++) used.add(c);
  }
  const rest = [...Array(availableParallelism()).keys()].filter((c) => !used.has(c));
  if (rest.length === 0) throw new Error(`--server-cpus ${taken} leaves no CPU for the bots`);
  return rest.join(",");
}
