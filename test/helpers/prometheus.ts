/**
 * A real Prometheus (Debian's `prometheus` package) run by a test: its own
 * config, a temporary storage directory and a free port, scraping the targets
 * it is given with the labels a Kubernetes scrape would add. Never the
 * system service.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { stringify } from "yaml";
import { freePort } from "./serverProcess.js";

export interface ScrapeTarget {
  address: string;
  labels: Record<string, string>;
}

export interface PrometheusHandle {
  url: string;
  /** GET /api/v1/<path>; throws unless Prometheus answers status "success". */
  api(path: string, params: Record<string, string>): Promise<any>;
  stop(): Promise<void>;
}

/** The prometheus binary on the PATH, or undefined. */
export function prometheusBinary(): string | undefined {
  return (process.env.PATH ?? "")
    .split(delimiter)
    .map((dir) => join(dir, "prometheus"))
    .find((file) => existsSync(file));
}

export async function startPrometheus(
  binary: string,
  targets: ScrapeTarget[],
  opts: { scrapeIntervalSeconds?: number; timeoutMs?: number } = {},
): Promise<PrometheusHandle> {
  const dir = mkdtempSync(join(tmpdir(), "mxo-prometheus-"));
  const interval = `${opts.scrapeIntervalSeconds ?? 1}s`;
  writeFileSync(
    join(dir, "prometheus.yml"),
    stringify({
      global: { scrape_interval: interval, evaluation_interval: interval },
      scrape_configs: [
        {
          job_name: "mxo-server",
          metrics_path: "/metrics",
          static_configs: targets.map((t) => ({ targets: [t.address], labels: t.labels })),
        },
      ],
    }),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const lines: string[] = [];
  const proc: ChildProcess = spawn(
    binary,
    [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  for (const stream of [proc.stdout!, proc.stderr!]) {
    stream.on("data", (chunk: Buffer) => lines.push(...chunk.toString().split("\n").filter(Boolean)));
  }
  const exited = new Promise<void>((res) => proc.once("exit", () => res()));
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  for (;;) {
    if (proc.exitCode !== null) {
      await stop();
      throw new Error(`prometheus exited with ${proc.exitCode}:\n${lines.slice(-10).join("\n")}`);
    }
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus was not ready in time:\n${lines.slice(-10).join("\n")}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    url,
    async api(path, params) {
      const res = await fetch(`${url}/api/v1/${path}?${new URLSearchParams(params)}`);
      const body = (await res.json()) as { status: string; data: unknown; error?: string };
      if (body.status !== "success") throw new Error(`prometheus ${path}: ${body.error ?? res.status}`);
      return body.data;
    },
    stop,
  };
}
