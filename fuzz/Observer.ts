import { Worker } from "node:worker_threads";

export interface ObserverSettings {
  servers: { http: string; ws: string }[];
  district: string;
  honestClients: number;
  probeEveryMs: number;
  probeTimeoutMs: number;
  patchGapLimitMs: number;
}

export interface ObserverReport {
  probes: number;
  probeFailures: number;
  /** Slowest /health answer (a failed probe counts as its time to failure). */
  longestHealthMs: number;
  /** Longest time between two answered probes of one server, less the probe period. */
  longestHealthGapMs: number;
  maxPatchGapMs: number;
  honest: { patches: number; left: number | null; walked: number }[];
}

/** Something the observer saw as it happened (a slow probe, a late patch), for the fuzzer to note its recent frames. */
export type ObserverEvent =
  | { type: "ready" }
  | { type: "failed"; error: string }
  | { type: "stall"; what: "health" | "patch" | "honest_left"; server: string; ms: number; error?: string }
  | { type: "report"; report: ObserverReport };

/** The measuring side of a fuzz run, in a worker thread (see observerWorker.ts). */
export class Observer {
  private constructor(
    private readonly worker: Worker,
    private readonly events: ObserverEvent[],
  ) {}

  static async start(settings: ObserverSettings, onStall: (e: ObserverEvent) => void): Promise<Observer> {
    const worker = new Worker(new URL("./observerBoot.mjs", import.meta.url), {
      workerData: { ...settings, entry: new URL("./observerWorker.ts", import.meta.url).href },
    });
    const events: ObserverEvent[] = [];
    const ready = new Promise<void>((resolve, reject) => {
      worker.on("message", (e: ObserverEvent) => {
        events.push(e);
        if (e.type === "ready") resolve();
        else if (e.type === "failed") reject(new Error(`observer could not start: ${e.error}`));
        else if (e.type === "stall") onStall(e);
      });
      worker.on("error", reject);
      worker.on("exit", (code) => reject(new Error(`observer exited with ${code}`)));
    });
    await ready;
    return new Observer(worker, events);
  }

  /** From now on gaps and stalls count (joining and warm-up do not). */
  measure(): void {
    this.worker.postMessage({ type: "measure" });
  }

  async stop(): Promise<ObserverReport> {
    const report = new Promise<ObserverReport>((resolve, reject) => {
      this.worker.on("message", (e: ObserverEvent) => {
        if (e.type === "report") resolve(e.report);
      });
      this.worker.on("exit", () => reject(new Error("observer exited without a report")));
    });
    this.worker.postMessage({ type: "stop" });
    return report;
  }
}
