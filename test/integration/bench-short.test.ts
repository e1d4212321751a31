import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import type { SideResult } from "../../bench/scale.js";
import { figure } from "../helpers/figures.js";

const ROOT = resolve(import.meta.dirname, "../..");

/**
 * `npm run bench -- --short` end to end, so the benchmark cannot rot: both
 * servers start, bots join and play, figures come out for both sides, and
 * the bots really delivered their inputs. Timings are never asserted, nor
 * printed into the test output: the figures (and their table) stay in
 * bench/results/short-test.json, the last run's, for whoever wants them.
 */
describe("benchmark, short mode (bench/scale.ts --short)", function () {
  this.timeout(150_000);
  const dir = join(ROOT, "bench/results");

  it("runs baseline and mxo-server with 100 clients and reports both", async function () {
    mkdirSync(dir, { recursive: true });
    const out = join(dir, "short-test.json");
    const child = spawn(
      process.execPath,
      ["--experimental-websocket", "--import", "tsx", "bench/scale.ts", "--short", "--quiet", "--out", out],
      { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((res) => child.once("exit", res));
    assert.equal(code, 0, `bench exited with ${code}:\n${output}`);

    const result = JSON.parse(readFileSync(out, "utf8")) as {
      options: { inputRate: number };
      scenarios: { scenario: { name: string; clients: number }; baseline?: SideResult; mxo?: SideResult }[];
      table: string;
    };
    assert.equal(result.scenarios.length, 1);
    figure(this, `figures in ${relative(ROOT, out)}`);
    const [s] = result.scenarios;
    assert.equal(s!.scenario.clients, 100);
    for (const [side, r] of [
      ["baseline", s!.baseline],
      ["mxo", s!.mxo],
    ] as const) {
      assert.ok(r, `${side}: no result`);
      assert.ok(
        r.clients >= 95,
        `${side}: only ${r.clients} of 100 clients connected (${r.joinFailureSamples})`,
      );
      for (const [name, v] of Object.entries({
        cpuPerClientTickUs: r.cpuPerClientTickUs,
        bytesPerClientPerSec: r.bytesPerClientPerSec,
        tickP99: r.tick.p99Ms,
        patchP99: r.patch.p99Ms,
        joinP99: r.joinMs.p99,
      })) {
        assert.ok(Number.isFinite(v) && v > 0, `${side}: ${name} = ${v}`);
      }
      assert.ok(r.ticks > 0 && r.patch.n > 0, `${side}: ticks and patches were timed`);
      const intended = result.options.inputRate;
      assert.ok(
        Math.abs(r.inputs.sentPerSec - intended) <= intended * 0.1,
        `${side}: bots sent ${r.inputs.sentPerSec}/s, intended ${intended}/s`,
      );
      assert.ok(
        Math.abs(r.inputs.consumedPerSec - intended) <= intended * 0.1,
        `${side}: server consumed ${r.inputs.consumedPerSec}/s per client, intended ${intended}/s`,
      );
      assert.ok(r.decoders.length > 0, `${side}: decoding bots reported`);
      for (const d of r.decoders)
        assert.equal(d.ownMissing, 0, `${side}: a decoding bot lost its own player`);
    }
  });
});
