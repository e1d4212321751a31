import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Summary } from "../../loadtest/stats.js";
import { startServerProcess, tempDataDir, type ServerHandle } from "../helpers/serverProcess.js";

const ROOT = resolve(import.meta.dirname, "../..");
const ESC = "\u001b";
/** blessed's tags, e.g. `{blue-fg}`, `{/red-fg}`. */
const MARKUP = /\{\/?[a-z-]+-(?:fg|bg)\}/;

/** `npm run loadtest` with pipes for stdout and stderr: no terminal, as in CI. */
function loadtest(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(
    process.execPath,
    ["--experimental-websocket", "--import", "tsx", "loadtest/wander.ts", ...args],
    { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((res) => child.once("exit", (code) => res({ code, stdout, stderr })));
}

describe("load test without a terminal (loadtest/wander.ts)", function () {
  this.timeout(180_000);
  const data = tempDataDir();
  let server: ServerHandle;

  before(async () => {
    server = await startServerProcess({ DATA_DIR: data.dir }, { timeoutMs: 90_000 });
  });
  after(async () => {
    await server?.stop("SIGKILL");
    data.remove();
  });

  it("prints plain progress lines and a JSON summary, and writes a plain --output file", async () => {
    const output = join(data.dir, "loadtest.log");
    const bots = 3;
    const duration = 3;
    const { code, stdout, stderr } = await loadtest([
      "--endpoint",
      server.ws,
      "--room",
      "district",
      "--numClients",
      String(bots),
      "--district",
      "richland",
      "--duration",
      String(duration),
      "--progressInterval",
      "1",
      "--chatInterval",
      "1",
      "--fightInterval",
      "0",
      "--output",
      output,
    ]);
    const file = readFileSync(output, "utf8");
    const all = `stdout:\n${stdout}\nstderr:\n${stderr}\nfile:\n${file}`;
    assert.equal(code, 0, `exit ${code}\n${all}`);
    for (const [name, text] of Object.entries({ stdout, stderr, file })) {
      assert.ok(!text.includes(ESC), `${name} holds an escape sequence`);
      assert.doesNotMatch(text, MARKUP, `${name} holds blessed markup`);
    }

    const lines = stdout.trimEnd().split("\n");
    const summary = JSON.parse(lines.at(-1)!) as Summary;
    assert.ok(
      lines
        .slice(0, -1)
        .every((l) => /^(\[(ramp|run) [\d.]+( of \d+)? s\] |ramp done in |duration reached)/.test(l)),
      `stdout holds only progress lines before the summary:\n${stdout}`,
    );
    assert.ok(
      lines.some((l) => l.startsWith("ramp done in ")),
      "the ramp's end is reported",
    );
    assert.ok(
      lines.some((l) => l.startsWith("[run ")),
      "progress is reported after the ramp",
    );

    assert.deepEqual(summary.bots, {
      requested: bots,
      joined: bots,
      failed: 0,
      active: bots,
      moved: summary.bots.moved,
      left: bots,
    });
    assert.equal(summary.errors, 0, `errors: ${summary.errorSamples.join("; ")}`);
    // --duration runs after the ramp, which is reported apart: the whole run is both.
    assert.ok(summary.rampSeconds > 0, `ramp ${summary.rampSeconds} s`);
    assert.ok(summary.durationSeconds >= duration, `ran ${summary.durationSeconds} s after the ramp`);
    assert.ok(
      Math.abs(summary.elapsedSeconds - (summary.rampSeconds + summary.durationSeconds)) <= 0.11,
      `elapsed ${summary.elapsedSeconds} s = ramp ${summary.rampSeconds} s + run ${summary.durationSeconds} s`,
    );
    assert.ok(summary.inputs > 0, "inputs were sent");
    // Each bot says something at least once a 1.5 s and hears itself (say range).
    assert.ok(summary.chat.sent >= bots, `chat sent ${summary.chat.sent}`);
    assert.ok(summary.chat.received >= 1, `chat received ${summary.chat.received}`);
    assert.ok(summary.messages.sent >= summary.chat.sent, `messages sent ${summary.messages.sent}`);
    // Every join brings `loadout` and `mission`, then the chat.
    assert.ok(
      summary.messages.received >= 2 * bots + summary.chat.received,
      `messages received ${summary.messages.received}`,
    );

    const fileSummary = /^\S+ info +summary (\{.*\})$/m.exec(file);
    assert.ok(fileSummary, `the file ends with the summary:\n${file}`);
    assert.deepEqual(JSON.parse(fileSummary[1]!), summary);
    assert.match(file, /^\S+ detail +Bot_\w+ joined richland/m);
  });

  it("with --travelInterval, bots walk back to their arrival hardline and travel from there", async () => {
    const { code, stdout, stderr } = await loadtest([
      "--endpoint",
      server.ws,
      "--numClients",
      "2",
      "--district",
      "richland",
      "--duration",
      "10",
      "--progressInterval",
      "5",
      "--fightInterval",
      "0",
      "--travelInterval",
      "2",
    ]);
    assert.equal(code, 0, `exit ${code}\nstdout:\n${stdout}\nstderr:\n${stderr}`);
    const summary = JSON.parse(stdout.trimEnd().split("\n").at(-1)!) as Summary;
    assert.ok(summary.travels.done >= 2, `travels ${JSON.stringify(summary.travels)}`);
    assert.equal(summary.travels.failed, 0);
    assert.equal(summary.errors, 0, `errors: ${summary.errorSamples.join("; ")}`);
  });

  it("refuses a bad option with a clear message and status 2", async () => {
    const { code, stderr } = await loadtest(["--endpoint", server.ws, "--numClients", "many"]);
    assert.equal(code, 2);
    assert.match(stderr, /--numClients must be a number ≥ 1 \(got "many"\)/);
  });
});
