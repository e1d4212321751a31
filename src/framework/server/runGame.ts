import { ConfigError, loadConfig } from "../config/config.js";
import type { GameModule } from "../game/GameModule.js";
import { startServer, type RunningServer } from "./startServer.js";
import { createLogger, type Logger } from "../util/logger.js";
import { StartupError } from "../util/errors.js";
import { logTracingErrorsTo, startTracing } from "../tracing/tracing.js";

/**
 * A process's entry for a game: configuration from the environment, start,
 * and a graceful stop on SIGTERM/SIGINT (everyone saved, then exit 0).
 */
export async function runGame(game: GameModule): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  // Before the logger (its lines then name their trace) and before the database, Redis and HTTP it wraps.
  const tracing = await startTracing(config.tracing, { name: `${game.name}-server` });
  const log = createLogger(config.logLevel);
  logTracingErrorsTo(log);
  let server: RunningServer | undefined;
  let stopping = false;

  /** Drains (everyone saved) then exits; a second call, or the timeout, exits at once. */
  const shutdown = (reason: string, exitCode: number) => {
    if (stopping) {
      log.warn({ reason }, "second stop request: exiting without waiting");
      process.exit(1);
    }
    stopping = true;
    const timer = setTimeout(() => {
      log.error({ seconds: config.shutdownTimeoutSeconds }, "shutdown timed out; exiting");
      process.exit(1);
    }, config.shutdownTimeoutSeconds * 1000);
    timer.unref();
    if (!server) process.exit(exitCode);
    server
      .stop(reason)
      // The last spans (the drain's saves) are exported before the process goes.
      .then(() => tracing.shutdown())
      .then(() => process.exit(exitCode))
      .catch((err) => {
        log.error({ err }, "shutdown failed");
        process.exit(1);
      });
  };
  watchProcessFaults(log, shutdown);

  try {
    server = await startServer(config, log, game);
  } catch (err) {
    // A setting that only the start itself can find wrong (TRANSPORT=uws with no build that serves).
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    if (err instanceof StartupError) console.error(err.message);
    else log.fatal({ err }, "failed to start");
    process.exit(1);
  }
  process.on("SIGTERM", () => shutdown("SIGTERM", 0));
  process.on("SIGINT", () => shutdown("SIGINT", 0));
}

/**
 * One recognizable line per fault, which operators alert on and the fuzzer
 * counts. A promise nobody handled is a bug on one path, not a broken
 * process: it is logged and the server keeps serving (Node would otherwise
 * exit). An uncaught exception may have left state half-changed: everyone is
 * saved as on SIGTERM, then the process exits 1 for its supervisor to restart.
 */
function watchProcessFaults(log: Logger, shutdown: (reason: string, exitCode: number) => void): void {
  process.on("unhandledRejection", (reason) => {
    log.error({ err: reason }, "unhandled rejection");
  });
  process.on("uncaughtException", (err) => {
    log.fatal({ err }, "uncaught exception");
    shutdown("uncaughtException", 1);
  });
}
