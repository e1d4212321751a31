import { spawn, type ChildProcess } from "node:child_process";
import { Redis } from "ioredis";

/**
 * Starts a redis-server of the caller's own on `port`, without persistence
 * (killed, it comes back empty), and resolves once it answers PING. The fault
 * tests kill and restart theirs; the capacity bench counts every command of
 * its own. Neither touches the machine's shared Redis.
 */
export async function spawnRedisServer(port: number, startTimeoutMs = 10_000): Promise<ChildProcess> {
  const proc = spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--loglevel",
      "warning",
    ],
    { stdio: "ignore" },
  );
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    // A fresh client each try: one left reconnecting refuses a second connect().
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on("error", () => {});
    try {
      await probe.connect();
      if ((await probe.ping()) === "PONG") return proc;
    } catch {
      if (Date.now() > deadline) {
        await killRedisServer(proc);
        throw new Error(`redis-server on ${port} did not start`);
      }
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      probe.disconnect();
    }
  }
}

/** SIGKILL: its connections drop at once, nothing is saved. Resolves once it has exited. */
export async function killRedisServer(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((r) => proc.once("exit", r));
  proc.kill("SIGKILL");
  await exited;
}
