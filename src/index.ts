import { ConfigError, loadConfig } from "./config/config.js";
import { ContentError } from "./content/districts.js";
import { startServer } from "./server/startServer.js";
import { createLogger } from "./util/logger.js";

/** Process entry: configuration, start, and signal-driven graceful stop. */
async function main(): Promise<void> {
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
  const log = createLogger(config.logLevel);

  let server;
  try {
    server = await startServer(config, log);
  } catch (err) {
    if (err instanceof ContentError) console.error(err.message);
    else log.fatal({ err }, "failed to start");
    process.exit(1);
  }

  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      log.warn({ signal }, "second signal: exiting without waiting");
      process.exit(1);
    }
    signalled = true;
    const timer = setTimeout(() => {
      log.error({ seconds: config.shutdownTimeoutSeconds }, "shutdown timed out; exiting");
      process.exit(1);
    }, config.shutdownTimeoutSeconds * 1000);
    timer.unref();
    server
      .stop(signal)
      .then(() => process.exit(0))
      .catch((err) => {
        log.error({ err }, "shutdown failed");
        process.exit(1);
      });
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}

void main();
