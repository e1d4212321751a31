import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { loadConfig } from "./framework/config/config.js";
import { startServer } from "./framework/server/startServer.js";
import { createLogger } from "./framework/util/logger.js";
import { mxoGame } from "./mxo/game.js";

/**
 * `npm run api:document [file]`: the OpenAPI document exactly as a server
 * serves it at /api/v1/openapi.json. It starts one (MxO, the embedded
 * database in a temporary directory, a free port on 127.0.0.1), reads the
 * document over HTTP and stops it: the routes, schemas and matchmaking rooms
 * are the running server's, not a second description of them. Writes the
 * file given, or prints to stdout. `npm run lint:api` lints the result.
 */
async function main(): Promise<void> {
  const out = process.argv[2];
  const dataDir = mkdtempSync(join(tmpdir(), "mxo-apidoc-"));
  const port = await freePort();
  // Errors only: the warnings of a server started for one request (e.g. web pages not built) are noise here.
  const log = createLogger("error");
  const config = loadConfig({ DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "error" });
  const server = await startServer(config, log, mxoGame);
  try {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/openapi.json`);
    if (!res.ok) throw new Error(`GET /api/v1/openapi.json answered ${res.status}`);
    const text = JSON.stringify(await res.json(), null, 2) + "\n";
    if (out) {
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, text);
    } else process.stdout.write(text);
  } finally {
    await server.stop("api document written");
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

main().then(
  // Colyseus and the embedded database keep timers alive past stop(): the work is done.
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
