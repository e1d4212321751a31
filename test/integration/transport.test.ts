/**
 * The transport a server process picks, on real Node binaries: uWebSockets.js
 * only where a real build of it serves, the ws transport with one warning
 * where none does, and a refusal (exit 2) when TRANSPORT=uws asked for it by
 * name. The imitation is the real one: @trufflesuite/uws-js-unofficial's own
 * entry point, on a Node ABI it has no binary for (Node 24) or through its
 * UWS_USE_FALLBACK switch (any Node).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { http, joinDistrict, me, newPlayer, waitFor } from "../helpers/api.js";
import { expectedTransport, findNode, versionOf } from "../helpers/nodeVersions.js";
import { createTestDatabase } from "../helpers/postgres.js";
import { freePort, logsWith, startServerProcess, type ServerHandle } from "../helpers/serverProcess.js";

const ROOT = resolve(import.meta.dirname, "../..");
const FALLBACK_WARNING = "uWebSockets.js could not load on this platform; falling back to the ws transport";
const TRUFFLESUITE_ENTRY = ["--import", "./test/fixtures/uws-trufflesuite-entry.mjs"];

/** Runs the server entry until it exits by itself; its exit code and everything it printed. */
async function runUntilExit(
  node: string,
  env: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<{ code: number | null; output: string }> {
  const proc = spawn(node, ["--experimental-websocket", ...nodeArgs, "--import", "tsx", "src/index.ts"], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      HOST: "127.0.0.1",
      PORT: String(await freePort()),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  proc.stdout.on("data", (d: Buffer) => (output += d.toString()));
  proc.stderr.on("data", (d: Buffer) => (output += d.toString()));
  // A server that starts after all would never exit: stop it, and the exit code says so.
  const guard = setTimeout(() => proc.kill("SIGKILL"), 120_000);
  const code = await new Promise<number | null>((res) => proc.once("exit", res));
  clearTimeout(guard);
  return { code, output };
}

/** /health answers and a player joins a district and sees itself: the server serves. */
async function assertServes(server: ServerHandle): Promise<void> {
  const health = await http(server.http, "GET", "/health");
  assert.equal(health.status, 200);
  assert.deepEqual(health.body, { status: "ok" });
  const player = await newPlayer(server.http);
  const { room } = await joinDistrict(server.ws, player);
  await waitFor(() => me(room), { what: "the player's own state" });
  await room.leave();
}

function transportOf(server: ServerHandle): unknown {
  return logsWith(server, "mxo-server listening")[0]?.transport;
}

describe("transport: uWebSockets.js or ws, never an imitation", function () {
  this.timeout(180_000);
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  before(async () => (db = await createTestDatabase()));
  after(async () => db?.drop());

  describe(`@trufflesuite's imitation through its UWS_USE_FALLBACK switch (Node ${process.version})`, () => {
    const env = () => ({ DATABASE_URL: db.url, UWS_USE_FALLBACK: "true" });

    it("is seen through: one warning, and the server serves on ws", async () => {
      const server = await startServerProcess(env(), { nodeArgs: TRUFFLESUITE_ENTRY });
      try {
        const warnings = logsWith(server, FALLBACK_WARNING);
        assert.equal(warnings.length, 1, `warnings: ${JSON.stringify(warnings)}`);
        assert.match(String(warnings[0]!.err), /JavaScript imitation/);
        assert.equal(transportOf(server), "ws");
        await assertServes(server);
      } finally {
        await server.stop("SIGKILL");
      }
    });

    it("with TRANSPORT=uws the server refuses to start: exit 2, saying why", async () => {
      const { code, output } = await runUntilExit(
        process.execPath,
        { ...env(), TRANSPORT: "uws" },
        TRUFFLESUITE_ENTRY,
      );
      assert.equal(code, 2, output);
      assert.match(
        output,
        /Invalid configuration: TRANSPORT is uws, but uWebSockets\.js cannot serve here: .*imitation/,
      );
      assert.doesNotMatch(output, /mxo-server listening/);
    });
  });

  describe("on Node 24, a Node ABI the trufflesuite build has no binary for", () => {
    let node24: string | undefined;
    let expected: "uws" | "ws";
    before(function () {
      node24 = findNode(24);
      if (!node24) {
        // .ci/run installs Node 24 and names it: there, its absence is a failure, not a skip.
        if (process.env.NODE24_BIN) throw new Error(`NODE24_BIN=${process.env.NODE24_BIN} is not a Node 24`);
        this.skip();
      }
      expected = expectedTransport(node24!);
    });

    it("serves on the transport this platform allows (ws with one warning where no uWS binary loads)", async () => {
      const server = await startServerProcess({ DATABASE_URL: db.url }, { node: node24 });
      try {
        assert.equal(transportOf(server), expected, `expected ${expected} on ${versionOf(node24!)} here`);
        const warnings = logsWith(server, FALLBACK_WARNING);
        if (expected === "ws") {
          assert.equal(warnings.length, 1);
          assert.match(String(warnings[0]!.err), /no uWebSockets\.js build loads on Node v24\./);
          assert.match(
            String(warnings[0]!.err),
            /@btc-vision\/uwebsockets\.js: .*; @trufflesuite\/uws-js-unofficial: /,
          );
        } else {
          assert.equal(warnings.length, 0);
        }
        await assertServes(server);
      } finally {
        await server.stop("SIGKILL");
      }
    });

    it("with TRANSPORT=uws starts on uWS where a build loads, and otherwise exits 2 saying why", async () => {
      if (expected === "uws") {
        const server = await startServerProcess({ DATABASE_URL: db.url, TRANSPORT: "uws" }, { node: node24 });
        try {
          assert.equal(transportOf(server), "uws");
          await assertServes(server);
        } finally {
          await server.stop("SIGKILL");
        }
        return;
      }
      const { code, output } = await runUntilExit(node24!, { DATABASE_URL: db.url, TRANSPORT: "uws" });
      assert.equal(code, 2, output);
      assert.match(
        output,
        /Invalid configuration: TRANSPORT is uws, but uWebSockets\.js cannot serve here: no uWebSockets\.js build loads on Node v24/,
      );
      assert.doesNotMatch(output, /mxo-server listening/);
    });

    it("sees through @trufflesuite's own entry point, which falls back to its imitation on this ABI", async () => {
      const server = await startServerProcess(
        { DATABASE_URL: db.url },
        { node: node24, nodeArgs: TRUFFLESUITE_ENTRY },
      );
      try {
        assert.ok(
          server.lines.some((l) => l.includes("Falling back to a NodeJS implementation")),
          "the package printed no fallback notice: is this Node's ABI one it has a binary for?",
        );
        const warnings = logsWith(server, FALLBACK_WARNING);
        assert.equal(warnings.length, 1);
        assert.match(String(warnings[0]!.err), /JavaScript imitation/);
        assert.equal(transportOf(server), "ws");
        await assertServes(server);
      } finally {
        await server.stop("SIGKILL");
      }
    });
  });
});
