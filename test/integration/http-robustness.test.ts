import assert from "node:assert/strict";
import { connect } from "node:net";
import { http, joinDistrict, me, newPlayer, sleep, waitFor } from "../helpers/api.js";
import { createTestDatabase } from "../helpers/postgres.js";
import { logsWith, startServerProcess, tempDataDir } from "../helpers/serverProcess.js";
import { deploy, type TestDeployment } from "../helpers/servers.js";
import { skipUnlessTransportServes } from "../helpers/nodeVersions.js";

/** Sends the start of a request and hangs up before the body is complete. */
async function abortMidRequest(port: number, path: string): Promise<void> {
  await new Promise<void>((resolve) => {
    const socket = connect(port, "127.0.0.1", () => {
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"username":`,
      );
      setTimeout(() => {
        socket.destroy();
        resolve();
      }, 30);
    });
    // The server may reset the half-sent request first; either way the client is gone.
    socket.on("error", () => resolve());
  });
}

for (const transport of ["uws", "ws"] as const) {
  describe(`HTTP robustness (${transport} transport, postgres)`, function () {
    this.timeout(60_000);
    let d: TestDeployment;
    before(function () {
      skipUnlessTransportServes(this, transport);
    });
    before(async () => (d = await deploy("postgres", { TRANSPORT: transport })));
    after(async () => d?.cleanup());

    it(`serves on the ${transport} transport`, () => {
      assert.ok(
        d.server.lines.some(
          (l) => l.includes('"mxo-server listening"') && l.includes(`"transport":"${transport}"`),
        ),
      );
    });

    it("survives clients that hang up mid-request", async () => {
      for (const path of ["/auth/register", "/auth/login", "/characters"]) {
        await abortMidRequest(d.server.port, path);
      }
      // A request whose response is still being computed when the client leaves (argon2 hashing).
      const controller = new AbortController();
      const slow = fetch(`${d.server.http}/auth/register`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: `abort${Date.now() % 1e6}`, password: "long enough" }),
        signal: controller.signal,
      }).catch(() => undefined);
      await sleep(20);
      controller.abort();
      await slow;
      await sleep(300);
      assert.equal(d.server.proc.exitCode, null, "server process still running");
      assert.equal((await http(d.server.http, "GET", "/health")).status, 200);
    });

    it("refuses oversized bodies with 413 and keeps serving", async () => {
      const res = await http(d.server.http, "POST", "/auth/register", {
        raw: JSON.stringify({ username: "big", password: "x".repeat(100_000) }),
      });
      assert.ok(res.status === 413 || res.status === 400, `status ${res.status}`);
      assert.equal((await http(d.server.http, "GET", "/health")).status, 200);
    });
    it("answers requests the parser or router cannot take with a JSON 4xx, never a 500 or an HTML page", async () => {
      const body = JSON.stringify({ username: "someone", password: "long enough" });
      const cases: {
        what: string;
        path: string;
        method?: string;
        headers?: Record<string, string>;
        status: number;
      }[] = [
        { what: "gzip", path: "/auth/login", headers: { "content-encoding": "gzip" }, status: 415 },
        {
          what: "unknown coding",
          path: "/auth/login",
          headers: { "content-encoding": "x-bogus" },
          status: 415,
        },
        {
          what: "latin1",
          path: "/auth/login",
          headers: { "content-type": "application/json; charset=latin1" },
          status: 415,
        },
        { what: "broken percent-encoding", path: "/api/v1/admin/gm-actions/%E0%A4%A/reverse", status: 400 },
        { what: "unknown path", path: "/nope", method: "GET", status: 404 },
        { what: "unknown method", path: "/auth/totp/verify", method: "PATCH", status: 404 },
      ];
      for (const c of cases) {
        const method = c.method ?? "POST";
        const res = await fetch(d.server.http + c.path, {
          method,
          headers: { "content-type": "application/json", ...c.headers },
          ...(method === "GET" ? {} : { body }),
        });
        const text = await res.text();
        assert.equal(res.status, c.status, `${c.what}: ${res.status} ${text.slice(0, 120)}`);
        assert.ok(JSON.parse(text).error.code, `${c.what}: a JSON error body`);
      }
      assert.equal((await http(d.server.http, "GET", "/health")).status, 200);
    });

    it("answers matchmaking requests that are not JSON with a JSON 415, never an empty 500", async () => {
      const player = await newPlayer(d.server.http);
      const lines = d.server.lines.length;
      for (const type of [
        "multipart/form-data; boundary=x",
        "application/x-www-form-urlencoded",
        "text/plain",
      ]) {
        for (const path of ["/matchmake/joinOrCreate/district", "/matchmake/reconnect/abc"]) {
          const res = await fetch(d.server.http + path, {
            method: "POST",
            headers: { "content-type": type, authorization: `Bearer ${player.token}` },
            body: '{"district":"richland"}',
          });
          const text = await res.text();
          assert.equal(res.status, 415, `${type} ${path}: ${text}`);
          assert.equal(JSON.parse(text).error.code, "unsupported_media_type");
        }
      }
      await sleep(200);
      assert.deepEqual(
        d.server.lines.slice(lines).filter((l) => l.includes("Failed to parse body")),
        [],
      );
      // The SDK's own JSON requests still work.
      const { room } = await joinDistrict(d.server.ws, player);
      await waitFor(() => me(room));
      await room.leave();
    });
  });

  describe(`HTTP rate limits (${transport} transport, postgres)`, function () {
    this.timeout(60_000);
    let d: TestDeployment;
    before(function () {
      skipUnlessTransportServes(this, transport);
    });
    before(
      async () =>
        (d = await deploy("postgres", {
          TRANSPORT: transport,
          AUTH_RATE_LIMIT_PER_MINUTE: "5",
          TRUST_PROXY: "true",
        })),
    );
    after(async () => d?.cleanup());

    const attempt = (ip: string) =>
      http(d.server.http, "POST", "/auth/login", {
        body: { username: "nobody_here", password: "whatever1" },
        headers: { "x-forwarded-for": `${ip}, 10.0.0.1` },
      });

    it("answers 429 with a stable code past the per-IP limit, counting each forwarded client apart", async () => {
      for (let i = 0; i < 5; i++) assert.equal((await attempt("203.0.113.7")).status, 401);
      const limited = await attempt("203.0.113.7");
      assert.equal(limited.status, 429);
      assert.equal(limited.body.error.code, "rate_limited");
      assert.equal((await attempt("198.51.100.9")).status, 401, "another client is not limited");
      assert.equal((await http(d.server.http, "GET", "/health")).status, 200, "probes are never limited");
    });
  });
}

describe("transport fallback", function () {
  this.timeout(60_000);

  it("says so and serves on ws when uWebSockets.js cannot load", async () => {
    const data = tempDataDir();
    const db = await createTestDatabase();
    const server = await startServerProcess(
      { DATA_DIR: data.dir, DATABASE_URL: db.url },
      { nodeArgs: ["--import", "./test/fixtures/without-uws.mjs"] },
    );
    try {
      const warning = logsWith(
        server,
        "uWebSockets.js could not load on this platform; falling back to the ws transport",
      );
      assert.equal(warning.length, 1);
      assert.match(String(warning[0]!.err), /simulated/);
      assert.equal(logsWith(server, "mxo-server listening")[0]!.transport, "ws");
      const p = await newPlayer(server.http);
      const { room } = await joinDistrict(server.ws, p);
      await waitFor(() => me(room));
      await room.leave();
    } finally {
      await server.stop("SIGKILL");
      await db.drop();
      data.remove();
    }
  });
});
