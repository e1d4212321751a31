/**
 * The bot worker processes (../lib/botWorker.ts), each a shard of the bots,
 * driven by request/reply over IPC (../lib/protocol.ts). A worker that fails
 * or exits before the run stops them ends the run.
 */
import { fork, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { procSample } from "../lib/proc.js";
import type { FromWorker, ToWorker } from "../lib/protocol.js";
import { ROOT } from "./options.js";

let shuttingDown = false;

export class Worker {
  readonly proc: ChildProcess;
  private waiters: { type: FromWorker["type"]; resolve: (m: FromWorker) => void }[] = [];
  progress = { joined: 0, failed: 0 };

  constructor(readonly index: number) {
    this.proc = fork(join(ROOT, "bench/lib/botWorker.ts"), [], {
      execArgv: ["--experimental-websocket", "--import", "tsx"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.proc.on("message", (msg: FromWorker) => {
      if (msg.type === "progress") this.progress = { joined: msg.joined, failed: msg.failed };
      if (msg.type === "fatal") {
        console.error(`bot worker ${index} failed: ${msg.message}`);
        process.exit(1);
      }
      const i = this.waiters.findIndex((w) => w.type === msg.type);
      if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(msg);
    });
    this.proc.on("exit", (code) => {
      if (!shuttingDown) {
        console.error(`bot worker ${index} exited with ${code}`);
        process.exit(1);
      }
    });
  }

  request<T extends FromWorker["type"]>(msg: ToWorker, reply: T): Promise<Extract<FromWorker, { type: T }>> {
    return new Promise((resolve) => {
      this.waiters.push({ type: reply, resolve: resolve as (m: FromWorker) => void });
      this.proc.send(msg);
    });
  }
}

export function startWorkers(n: number): Worker[] {
  return Array.from({ length: n }, (_, i) => new Worker(i));
}

/** Ends the workers at the end of the run: their exits are expected from now on. */
export function stopWorkers(workers: Worker[]): void {
  shuttingDown = true;
  for (const w of workers) w.proc.kill();
}

/** CPU seconds of the bot workers and of this process. */
export function benchCpu(workers: Worker[]): { workers: number; self: number } {
  let total = 0;
  for (const w of workers) if (w.proc.pid) total += procSample(w.proc.pid).cpuSeconds;
  return { workers: total, self: procSample(process.pid).cpuSeconds };
}
