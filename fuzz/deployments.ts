import { startCluster } from "../test/helpers/cluster.js";
import { startOwnRedis } from "../test/helpers/faults.js";
import { startServerProcess, tempDataDir, type ServerHandle } from "../test/helpers/serverProcess.js";

export type FuzzMode = "embedded" | "cluster";
export const FUZZ_MODES: FuzzMode[] = ["embedded", "cluster"];

/** Real server processes to fuzz, and how to take them down. */
export interface FuzzDeployment {
  mode: FuzzMode;
  servers: ServerHandle[];
  cleanup(): Promise<void>;
}

/**
 * What the fuzzed servers run with: HTTP limits high enough that requests
 * reach the routes (not just the limiter), a per-client message rate that
 * lets each fuzzing connection send a few hundred frames before the gates
 * close it, everything else at its default.
 */
export const FUZZ_ENV: Record<string, string> = {
  HTTP_RATE_LIMIT_PER_MINUTE: "100000",
  AUTH_RATE_LIMIT_PER_MINUTE: "100000",
  ADMIN_RATE_LIMIT_PER_MINUTE: "100000",
  MAX_MESSAGES_PER_SECOND: "100",
};

/**
 * `embedded`: the default, one process on PGlite, no Redis. `cluster`: two
 * processes on PostgreSQL (a database of the run's own) and a redis-server of
 * the run's own, so nothing is shared with other users of the machine.
 */
export async function deployForFuzz(
  mode: FuzzMode,
  env: Record<string, string> = {},
): Promise<FuzzDeployment> {
  if (mode === "embedded") {
    const data = tempDataDir();
    const server = await startServerProcess(
      { ...FUZZ_ENV, ...env, DATA_DIR: data.dir },
      { timeoutMs: 60_000 },
    );
    return {
      mode,
      servers: [server],
      async cleanup() {
        await server.stop("SIGKILL");
        data.remove();
      },
    };
  }
  const redis = await startOwnRedis();
  try {
    const cluster = await startCluster(2, { ...FUZZ_ENV, ...env }, { redisUrl: redis.url });
    return {
      mode,
      servers: cluster.servers,
      async cleanup() {
        await cluster.cleanup();
        await redis.stop();
      },
    };
  } catch (err) {
    await redis.stop();
    throw err;
  }
}
