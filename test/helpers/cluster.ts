import { randomBytes } from "node:crypto";
import { createTestDatabase } from "./postgres.js";
import { useRedisDatabase } from "./redis.js";
import { startServerProcess, tempDataDir, type ServerHandle } from "./serverProcess.js";

export const ADMIN = { username: "cluster_admin", password: "admin password 123" };

/**
 * N server processes sharing one PostgreSQL database, one Redis logical
 * database and one JWT secret, each on its own port and advertising
 * 127.0.0.1:<port> for seat reservations.
 */
export interface TestCluster {
  servers: ServerHandle[];
  /** The database itself (not through any proxy), for checks. */
  databaseUrl: string;
  env: Record<string, string>;
  /** Starts one more process (or restarts index `i`) with the shared settings. */
  start(i?: number): Promise<ServerHandle>;
  cleanup(): Promise<void>;
}

export async function startCluster(
  n: number,
  extraEnv: Record<string, string> = {},
  opts: {
    /** Redis of the test's own (a fault test kills it); default: a logical DB of the shared one. */
    redisUrl?: string;
    /** Rewrites the database URL the processes use (e.g. through a proxy a fault test cuts). */
    databaseUrl?: (url: string) => string;
  } = {},
): Promise<TestCluster> {
  const db = await createTestDatabase();
  const redis = opts.redisUrl ? { url: opts.redisUrl, flush: async () => {} } : await useRedisDatabase();
  const dirs: { remove(): void }[] = [];
  const env: Record<string, string> = {
    DATABASE_URL: opts.databaseUrl ? opts.databaseUrl(db.url) : db.url,
    REDIS_URL: redis.url,
    JWT_SECRET: randomBytes(32).toString("hex"),
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    ...extraEnv,
  };
  const cluster: TestCluster = {
    servers: [],
    databaseUrl: db.url,
    env,
    async start(i?: number) {
      const data = tempDataDir();
      dirs.push(data);
      const server = await startServerProcess({ ...env, DATA_DIR: data.dir });
      if (i === undefined) cluster.servers.push(server);
      else cluster.servers[i] = server;
      return server;
    },
    async cleanup() {
      await Promise.all(cluster.servers.map((s) => s.stop("SIGKILL")));
      await db.drop();
      await redis.flush();
      for (const d of dirs) d.remove();
    },
  };
  // Sequential: the first start runs migrations; the others find them done.
  for (let i = 0; i < n; i++) await cluster.start();
  return cluster;
}

/** The processId a server logged at start. */
export function processIdOf(server: ServerHandle): string {
  const line = server.lines.find((l) => l.includes('"mxo-server listening"'));
  return line ? String(JSON.parse(line).processId) : "";
}
