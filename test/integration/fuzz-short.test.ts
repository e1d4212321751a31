import assert from "node:assert/strict";
import { formatReport } from "../../fuzz/formatReport.js";
import { DEFAULT_LIMITS, runFuzz } from "../../fuzz/runFuzz.js";
import { http, sleep, waitFor } from "../helpers/api.js";
import { figure } from "../helpers/figures.js";
import { logsWith, startServerProcess, tempDataDir } from "../helpers/serverProcess.js";

/** Replays a failed CI run: FUZZ_SEED=<the printed seed>. */
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

describe("fuzz, short mode (fuzz/: raw frames of every opcode, every message type, random HTTP)", function () {
  this.timeout(120_000);

  for (const mode of ["embedded", "cluster"] as const) {
    it(`${mode}: 10,000 frames — no freeze, crash, unhandled rejection or 5xx; JSON errors; honest clients patched`, async function () {
      const report = await runFuzz({
        mode,
        seed: SEED,
        frames: 10_000,
        framesPerSecond: 500,
        httpPerSecond: 25,
        fuzzClients: 6,
        honestClients: 3,
        limits: DEFAULT_LIMITS,
      });
      // The whole report only when something is wrong: it names the seed that replays the run.
      const text = formatReport(report);
      assert.ok(report.frames >= 10_000, text);
      assert.ok(report.http.requests > 100, `${report.http.requests} HTTP requests\n${text}`);
      assert.deepEqual(report.violations, [], text);
      figure(
        this,
        `seed ${SEED}, ${report.frames} frames in ${report.seconds} s, ${report.http.requests} HTTP requests`,
      );
    });
  }
});

describe("process faults are logged with a line the fuzzer counts", function () {
  this.timeout(60_000);

  it("an unhandled rejection: logged, and the server keeps serving", async () => {
    const data = tempDataDir();
    const server = await startServerProcess(
      { DATA_DIR: data.dir },
      { nodeArgs: ["--import", "./test/fixtures/fault-on-signal.mjs"] },
    );
    try {
      server.proc.kill("SIGUSR2");
      await waitFor(() => logsWith(server, "unhandled rejection").length === 1, { what: "the log line" });
      assert.match(
        String((logsWith(server, "unhandled rejection")[0]!.err as { message?: string })?.message),
        /simulated/,
      );
      await sleep(300);
      assert.equal(server.proc.exitCode, null);
      assert.equal((await http(server.http, "GET", "/health")).status, 200);
    } finally {
      await server.stop("SIGKILL");
      data.remove();
    }
  });

  it("an uncaught exception: logged as fatal, then a graceful stop with exit code 1", async () => {
    const data = tempDataDir();
    const server = await startServerProcess(
      { DATA_DIR: data.dir },
      { nodeArgs: ["--import", "./test/fixtures/fault-on-signal.mjs"] },
    );
    try {
      server.proc.kill("SIGHUP");
      assert.equal(await server.exited, 1);
      assert.equal(logsWith(server, "uncaught exception").length, 1);
      assert.equal(logsWith(server, "shutdown complete").length, 1, "everyone saved as on SIGTERM");
    } finally {
      await server.stop("SIGKILL");
      data.remove();
    }
  });
});
