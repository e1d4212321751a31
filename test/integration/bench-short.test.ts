import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import type { SideResult } from "../../bench/scale.js";
import { figure } from "../helpers/figures.js";
import { skipUnlessTransportServes } from "../helpers/nodeVersions.js";

const ROOT = resolve(import.meta.dirname, "../..");

/**
 * `npm run bench -- --short` end to end, so the benchmark cannot rot: the
 * three servers (baseline, mxo, the floor) start, bots join and play, figures
 * come out for every side — the floor's frames sized by mxo's patches in the
 * same run —, and the bots really delivered their inputs. Timings are never asserted, nor
 * printed into the test output: the figures (and their table) stay in
 * bench/results/short-test.json, the last run's, for whoever wants them.
 */
describe("benchmark, short mode (bench/scale.ts --short)", function () {
  // On a 2-core machine shared with other jobs: 103 s for baseline + mxo (most of it the accounts'
  // argon2 set-up), the floor adds ~10 s; 240 s once at load 45. The timeout only catches a hang.
  this.timeout(360_000);
  const dir = join(ROOT, "bench/results");

  it("runs baseline, mxo-server and the floor with 100 clients and reports all three", async function () {
    // The floor is uWebSockets.js's own cost, so it needs a build that loads on this Node (not Node 24 on a
    // glibc older than 2.38): elsewhere this is pending, like the other uws runs.
    skipUnlessTransportServes(this, "uws");
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
      scenarios: {
        scenario: { name: string; clients: number };
        baseline?: SideResult;
        mxo?: SideResult;
        floor?: SideResult;
      }[];
      targets: { target: string; value: string; met: boolean }[];
      table: string;
    };
    assert.equal(result.scenarios.length, 1);
    figure(this, `figures in ${relative(ROOT, out)}`);
    const [s] = result.scenarios;
    assert.equal(s!.scenario.clients, 100);
    for (const [side, r] of [
      ["baseline", s!.baseline],
      ["mxo", s!.mxo],
      ["floor", s!.floor],
    ] as const) {
      assert.ok(r, `${side}: no result`);
      assert.ok(
        r.clients >= 95,
        `${side}: only ${r.clients} of 100 clients connected (${r.joinFailureSamples})`,
      );
      for (const [name, v] of Object.entries({
        cpuPerClientPatchUs: r.cpuPerClientPatchUs,
        writesPerClientPerSec: r.writesPerClientPerSec,
        meanPatchBytes: r.meanPatchBytes,
        bytesPerClientPerSec: r.bytesPerClientPerSec,
        patchP99: r.patch.p99Ms,
        joinP99: r.joinMs.p99,
        // The floor runs no simulation: no ticks to time.
        ...(side === "floor" ? {} : { cpuPerClientTickUs: r.cpuPerClientTickUs, tickP99: r.tick.p99Ms }),
      })) {
        assert.ok(Number.isFinite(v) && v > 0, `${side}: ${name} = ${v}`);
      }
      assert.ok(r.patch.n > 0, `${side}: patches were timed`);
      if (side !== "floor") assert.ok(r.ticks > 0, `${side}: ticks were timed`);
      if (side !== "floor") assert.ok((r.gc?.count ?? 0) > 0, `${side}: garbage collections were observed`);
      const intended = result.options.inputRate;
      assert.ok(
        Math.abs(r.inputs.sentPerSec - intended) <= intended * 0.1,
        `${side}: bots sent ${r.inputs.sentPerSec}/s, intended ${intended}/s`,
      );
      assert.ok(
        Math.abs(r.inputs.consumedPerSec - intended) <= intended * 0.1,
        `${side}: server consumed ${r.inputs.consumedPerSec}/s per client, intended ${intended}/s`,
      );
      if (side === "floor") continue;
      assert.ok(r.decoders.length > 0, `${side}: decoding bots reported`);
      for (const d of r.decoders)
        assert.equal(d.ownMissing, 0, `${side}: a decoding bot lost its own player`);
    }
    assert.equal(
      s!.floor!.floorFrameBytes,
      Math.round(s!.mxo!.meanPatchBytes),
      "the floor sent frames of mxo's mean patch size",
    );
    assert.ok(
      result.targets.some((t) => t.target.includes("3× floor")),
      `no mxo ÷ floor target in ${JSON.stringify(result.targets)}`,
    );
  });
});
