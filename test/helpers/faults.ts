import { spawn, type ChildProcess } from "node:child_process";
import { createServer, connect, type Server, type Socket } from "node:net";
import { Redis } from "ioredis";
import { freePort } from "./serverProcess.js";

/**
 * A redis-server of the test's own on a free port, so a fault test can kill it
 * and start it again (empty, as a restarted Redis without persistence is)
 * without touching the machine's shared Redis.
 */
export interface OwnRedis {
  url: string;
  port: number;
  /** SIGKILL: connections drop at once, nothing is saved. */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  let proc: ChildProcess | undefined;
  const own: OwnRedis = {
    url: `redis://127.0.0.1:${port}`,
    port,
    async start() {
      proc = spawn(
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
      const deadline = Date.now() + 10_000;
      for (;;) {
        const probe = new Redis(own.url, {
          lazyConnect: true,
          maxRetriesPerRequest: 0,
          retryStrategy: () => null,
        });
        probe.on("error", () => {});
        try {
          await probe.connect();
          if ((await probe.ping()) === "PONG") return;
        } catch {
          if (Date.now() > deadline) throw new Error(`redis-server on ${port} did not start`);
          await new Promise((r) => setTimeout(r, 50));
        } finally {
          probe.disconnect();
        }
      }
    },
    async kill() {
      const p = proc;
      proc = undefined;
      if (!p || p.exitCode !== null) return;
      const exited = new Promise((r) => p.once("exit", r));
      p.kill("SIGKILL");
      await exited;
    },
    async stop() {
      await own.kill();
    },
  };
  await own.start();
  return own;
}

/**
 * A TCP proxy in front of PostgreSQL that the test controls: `cut()` drops
 * every connection and refuses new ones (as a dead database host would),
 * `restore()` lets connections through again.
 */
export interface PgProxy {
  /** The same database URL with host and port pointing at the proxy. */
  rewrite(databaseUrl: string): string;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startPgProxy(serverUrl: string): Promise<PgProxy> {
  const target = new URL(serverUrl);
  const targetPort = Number(target.port || 5432);
  const targetHost = target.hostname;
  const port = await freePort();
  const live = new Set<Socket>();
  let down = false;
  const server: Server = createServer((client) => {
    if (down) {
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, targetHost);
    live.add(client);
    live.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      live.delete(client);
      live.delete(upstream);
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return {
    rewrite(databaseUrl) {
      const url = new URL(databaseUrl);
      url.hostname = "127.0.0.1";
      url.port = String(port);
      return url.toString();
    },
    cut() {
      down = true;
      for (const s of live) s.destroy();
      live.clear();
    },
    restore() {
      down = false;
    },
    async close() {
      down = true;
      for (const s of live) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
