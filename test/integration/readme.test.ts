import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { deploy, type TestDeployment } from "../helpers/servers.js";

const ROOT = resolve(import.meta.dirname, "../..");
const run = promisify(execFile);

describe("README", function () {
  this.timeout(60_000);

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

  describe("the quickstart client against a live server (embedded database)", () => {
    let d: TestDeployment;
    before(async () => (d = await deploy("embedded")));
    after(async () => d?.cleanup());

    it("registers, joins, walks east and stops", async () => {
      const { stdout } = await run(
        process.execPath,
        ["--experimental-websocket", "--import", "tsx", "examples/quickstart-client.ts"],
        { cwd: ROOT, env: { ...process.env, MXO_URL: d.server.http }, timeout: 30_000 },
      );
      const m = /(\S+) stands at \(([\d.]+), ([\d.]+)\) in richland, ack 21/.exec(stdout);
      assert.ok(m, `unexpected output: ${stdout}`);
      // Arrival hardline is at (1500, 1200) ± 4; one second east at 6 units/s.
      assert.ok(Number(m[2]) > 1500, `x ${m[2]}`);
    });
  });
});
