/**
 * The check that tells the real uWebSockets.js from an imitation, against the
 * real packages: @trufflesuite/uws-js-unofficial's own entry point (native on
 * Node 20, its JavaScript imitation on an ABI it has no binary for, as on
 * Node 22 and 24), its fallback module itself, and the build
 * vendor/uwebsockets-select picks on this Node.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { loadRealUws, uwsBuildName, uwsUnusableReason } from "../../../src/framework/server/uwsCheck.js";
import { expectedTransport } from "../../helpers/nodeVersions.js";

const require = createRequire(import.meta.url);
const TRUFFLESUITE = "@trufflesuite/uws-js-unofficial";
const trufflesuiteDir = dirname(dirname(require.resolve(TRUFFLESUITE)));
/** Whether the trufflesuite package ships a binary for the Node running this test. */
const trufflesuiteNative = existsSync(
  join(
    trufflesuiteDir,
    "binaries",
    `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`,
  ),
);

/** Loads a module with console.warn/log captured (the trufflesuite entry prints its fallback notice). */
function loadQuietly(id: string): { module: unknown; printed: string } {
  const printed: string[] = [];
  const { warn, log } = console;
  console.warn = console.log = (...args: unknown[]) => void printed.push(args.join(" "));
  try {
    return { module: require(id), printed: printed.join("\n") };
  } finally {
    console.warn = warn;
    console.log = log;
  }
}

describe("uWebSockets.js check (uwsUnusableReason)", function () {
  // The native probe listens and answers once on loopback; allow for a busy machine.
  this.timeout(30_000);

  it("rejects @trufflesuite's JavaScript fallback, the imitation whose HTTP never answers", async () => {
    const { module } = loadQuietly(`${TRUFFLESUITE}/dist/index.js`);
    assert.equal(typeof (module as { App?: unknown }).App, "function", "the imitation looks like uWS");
    assert.match((await uwsUnusableReason(module)) ?? "", /JavaScript imitation, not the native library/);
  });

  it(`judges @trufflesuite's own entry point on this Node (${process.version}, ABI ${process.versions.modules}) by what it really returned`, async () => {
    const { module, printed } = loadQuietly(TRUFFLESUITE);
    const reason = await uwsUnusableReason(module);
    if (trufflesuiteNative) {
      assert.equal(reason, undefined, "its native binary for this ABI answered HTTP");
    } else {
      // The ABI it has no binary for: the package's own words, then our verdict.
      assert.match(printed, /Falling back to a NodeJS implementation/);
      assert.match(reason ?? "", /JavaScript imitation/);
    }
  });

  it("rejects what exports no App", async () => {
    assert.equal(await uwsUnusableReason({}), "the module exports no App()");
    assert.equal(await uwsUnusableReason(undefined), "the module exports no App()");
  });

  it('uses the build "uWebSockets.js" resolves to where one serves, and says why none does otherwise', async () => {
    const loaded = await loadRealUws();
    if (expectedTransport(process.execPath) === "uws") {
      assert.ok(loaded.uws, `no build served: ${"reason" in loaded ? loaded.reason : ""}`);
      assert.match(loaded.build ?? "", /^(@btc-vision\/uwebsockets\.js|@trufflesuite\/uws-js-unofficial)@\d/);
      assert.equal(uwsBuildName(loaded.uws), loaded.build);
    } else {
      assert.equal(loaded.uws, undefined);
      const { reason } = loaded as { reason: string };
      assert.match(
        reason,
        new RegExp(`^no uWebSockets\\.js build loads on Node ${process.version.replace(/\./g, "\\.")} `),
      );
      assert.match(reason, /@btc-vision\/uwebsockets\.js: .*GLIBC_2\.\d+.* not found/);
      assert.match(reason, /@trufflesuite\/uws-js-unofficial: no binary for /);
    }
  });
});
