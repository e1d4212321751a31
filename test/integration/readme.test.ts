import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { startServerProcess, tempDataDir, type ServerHandle } from "../helpers/serverProcess.js";

const ROOT = resolve(import.meta.dirname, "../..");
const run = promisify(execFile);

describe("README", function () {
  this.timeout(150_000);

  it("shows examples/quickstart-client.ts verbatim", () => {
    const readme = readFileSync(resolve(ROOT, "README.md"), "utf8");
    const block =
      /<!-- quickstart-client:start -->\s*```ts\n([\s\S]*?)```\s*<!-- quickstart-client:end -->/.exec(readme);
    assert.ok(block, "README has the quickstart-client block");
    assert.equal(block[1], readFileSync(resolve(ROOT, "examples/quickstart-client.ts"), "utf8"));
  });

  it("gives the two set-up commands", () => {
    const readme = readFileSync(resolve(ROOT, "README.md"), "utf8");
    assert.match(readme, /npm ci && npm start/);
    assert.match(readme, /^npm test\b/m);
  });

  it("names what npm test needs, and .ci/run installs each of it", () => {
    const readme = readFileSync(resolve(ROOT, "README.md"), "utf8");
    const quickStart = /## Quick start\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? "";
    for (const needed of [
      "PostgreSQL",
      "127.0.0.1:5432",
      "pg_dump",
      "Redis",
      "127.0.0.1:6379",
      "redis-server",
      "/usr/bin/chromium",
      "Prometheus",
    ]) {
      assert.ok(quickStart.includes(needed), `the quick start does not name ${needed}`);
    }
    assert.match(quickStart, /`bash \.ci\/run` is the one command/);
    const ci = readFileSync(resolve(ROOT, ".ci/run"), "utf8");
    for (const pkg of ["postgresql", "postgresql-client", "redis-server", "chromium", "prometheus"]) {
      assert.match(
        ci,
        new RegExp(`apt_install (--\\S+ )*${pkg}(\\s|$)`, "m"),
        `.ci/run does not install ${pkg}`,
      );
    }
    assert.match(ci, /^npm ci\b/m);
    assert.match(ci, /^npm test$/m);
  });

  describe("the quickstart client against a live server (embedded database)", () => {
    const data = tempDataDir();
    let server: ServerHandle;
    // A cold start from source took 29 s on this machine under a shared load: more than the helpers' default wait.
    before(async () => (server = await startServerProcess({ DATA_DIR: data.dir }, { timeoutMs: 90_000 })));
    after(async () => {
      await server?.stop("SIGKILL");
      data.remove();
    });

    it("registers, joins, walks east and stops", async () => {
      const { stdout, stderr } = await run(
        process.execPath,
        ["--experimental-websocket", "--import", "tsx", "examples/quickstart-client.ts"],
        { cwd: ROOT, env: { ...process.env, MXO_URL: server.http }, timeout: 30_000 },
      );
      const m = /(\S+) stands at \(([\d.]+), ([\d.]+)\) in richland, ack 21/.exec(stdout);
      assert.ok(m, `unexpected output: ${stdout}`);
      // Arrival hardline is at (1500, 1200) ± 4; one second east at 6 units/s.
      assert.ok(Number(m[2]) > 1500, `x ${m[2]}`);
      // It listens to what the server sends on join, so the SDK has nothing to warn about.
      assert.match(stdout, /^abilities: .+ \(memory \d+\/\d+\)$/m);
      assert.doesNotMatch(stderr, /@colyseus\/sdk|not registered/, `the SDK warned:\n${stderr}`);
    });
  });
});
