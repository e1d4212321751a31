import type { ChildProcess } from "node:child_process";
import { killRedisServer, spawnRedisServer } from "./redisServer.js";
import { freePort } from "./serverProcess.js";
import { startTcpProxy } from "./tcpProxy.js";

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
      proc = await spawnRedisServer(port);
    },
    async kill() {
      const p = proc;
      proc = undefined;
      if (p) await killRedisServer(p);
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
  let down = false;
  const proxy = await startTcpProxy(serverUrl, { admit: () => !down });
  return {
    rewrite: (databaseUrl) => proxy.rewrite(databaseUrl),
    cut() {
      down = true;
      proxy.dropAll();
    },
    restore() {
      down = false;
    },
    async close() {
      down = true;
      await proxy.close();
    },
  };
}
