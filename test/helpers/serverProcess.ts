import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { trackServerLog } from "./serverLogs.js";

const ROOT = resolve(import.meta.dirname, "../..");

export interface ServerHandle {
  port: number;
  http: string;
  ws: string;
  env: Record<string, string>;
  proc: ChildProcess;
  /** Every stdout/stderr line so far (JSON logs). */
  lines: string[];
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

export function tempDataDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), "mxo-test-"));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Starts the real entrypoint (src/index.ts, or a game's: `entry`) in a child process and waits for
 * its "listening" log line. Defaults suit tests: quiet logs, generous HTTP
 * limits, short timers where tests need them via `env`.
 */
export async function startServerProcess(
  env: Record<string, string>,
  opts: {
    timeoutMs?: number;
    port?: number;
    nodeArgs?: string[];
    entry?: string;
    /** Another Node binary than the tests' own (e.g. Node 24 from test/helpers/nodeVersions.ts). */
    node?: string;
  } = {},
): Promise<ServerHandle> {
  const port = opts.port ?? (await freePort());
  const fullEnv: Record<string, string> = {
    LOG_LEVEL: "info",
    AUTH_RATE_LIMIT_PER_MINUTE: "10000",
    HTTP_RATE_LIMIT_PER_MINUTE: "10000",
    ADMIN_RATE_LIMIT_PER_MINUTE: "10000",
    ...env,
    PORT: String(port),
    HOST: "127.0.0.1",
  };
  const args = [
    "--experimental-websocket",
    ...(opts.nodeArgs ?? []),
    "--import",
    "tsx",
    opts.entry ?? "src/index.ts",
  ];
  const proc = spawn(opts.node ?? process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...fullEnv },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const exited = new Promise<number | null>((res) => proc.once("exit", (code) => res(code)));
  const ready = new Promise<void>((res, rej) => {
    const timer = setTimeout(
      () => {
        // A server that never said "listening" is nobody's to stop: kill it here, or it outlives the run.
        proc.kill("SIGKILL");
        rej(new Error(`server did not start in time:\n${lines.slice(-20).join("\n")}`));
      },
      // The embedded database's cold start alone took 34 s on the shared 2-core machine under load.
      opts.timeoutMs ?? 90_000,
    );
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n")) {
        if (!line) continue;
        lines.push(line);
        if (line.includes('"mxo-server listening"')) {
          clearTimeout(timer);
          res();
        }
      }
    };
    proc.stdout!.on("data", onData);
    proc.stderr!.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      rej(new Error(`server exited with ${code} before listening:\n${lines.slice(-20).join("\n")}`));
    });
  });
  trackServerLog(`the server on :${port}`, lines, exited);
  await ready;
  return {
    port,
    http: `http://127.0.0.1:${port}`,
    ws: `ws://127.0.0.1:${port}`,
    env: fullEnv,
    proc,
    lines,
    exited,
    async stop(signal: NodeJS.Signals = "SIGTERM") {
      if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
      proc.kill(signal);
      return exited;
    },
  };
}

/** Parsed JSON log lines with the given `msg`. */
export function logsWith(handle: ServerHandle, msg: string): Record<string, unknown>[] {
  return handle.lines
    .filter((l) => l.startsWith("{"))
    .map((l) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        return {};
      }
    })
    .filter((o) => o.msg === msg);
}
