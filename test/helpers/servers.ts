import { createTestDatabase } from "./postgres.js";
import { startServerProcess, tempDataDir, type ServerHandle } from "./serverProcess.js";

export type DbMode = "embedded" | "postgres";
export const DB_MODES: DbMode[] = ["embedded", "postgres"];

/**
 * A server on one database path, plus what it takes to restart it on the same
 * data and to clean up afterwards.
 */
export interface TestDeployment {
  mode: DbMode;
  server: ServerHandle;
  env: Record<string, string>;
  restart(extraEnv?: Record<string, string>): Promise<ServerHandle>;
  cleanup(): Promise<void>;
}

export async function deploy(mode: DbMode, env: Record<string, string> = {}): Promise<TestDeployment> {
  const data = tempDataDir();
  const db = mode === "postgres" ? await createTestDatabase() : undefined;
  const baseEnv: Record<string, string> = {
    DATA_DIR: data.dir,
    ...(db ? { DATABASE_URL: db.url } : {}),
    ...env,
  };
  const deployment: TestDeployment = {
    mode,
    env: baseEnv,
    server: await startServerProcess(baseEnv),
    async restart(extraEnv = {}) {
      await deployment.server.stop("SIGTERM");
      deployment.server = await startServerProcess({ ...baseEnv, ...extraEnv });
      return deployment.server;
    },
    async cleanup() {
      await deployment.server.stop("SIGKILL");
      await db?.drop();
      data.remove();
    },
  };
  return deployment;
}
