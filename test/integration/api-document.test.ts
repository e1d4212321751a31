import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pino } from "pino";
import { loadConfig } from "../../src/framework/config/config.js";
import { SeatReservation } from "../../src/framework/http/matchmakeSpecs.js";
import { ErrorBody } from "../../src/framework/http/openapi/jsonSchema.js";
import { startServer, type RunningServer } from "../../src/framework/server/startServer.js";
import { mxoGame } from "../../src/mxo/game.js";
import { ContractClient } from "../helpers/client.js";
import { http, newPlayer, type TestPlayer } from "../helpers/api.js";
import { skipUnlessTransportServes } from "../helpers/nodeVersions.js";
import { freePort, startServerProcess, tempDataDir, type ServerHandle } from "../helpers/serverProcess.js";

const ROOT = resolve(import.meta.dirname, "../..");
const ADMIN = { username: "doc_admin", password: "document admin password" };

type Operation = {
  operationId: string;
  security?: unknown[];
  responses: Record<string, { content?: Record<string, { schema?: Record<string, unknown> }> }>;
};
type Document = {
  servers?: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, unknown> };
};

/** Express 5's registered routes: `[METHOD, /path/{param}]`. */
function expressRoutes(server: RunningServer): [string, string][] {
  const stack = (server.express as unknown as { router: { stack: { route?: RouteLayer }[] } }).router.stack;
  type RouteLayer = { path: string; methods: Record<string, boolean> };
  return stack.flatMap((layer) =>
    layer.route
      ? Object.keys(layer.route.methods)
          .filter((m) => m !== "_all")
          .map((m): [string, string] => [m, layer.route!.path.replace(/:([A-Za-z_]+)/g, "{$1}")])
      : [],
  );
}

describe("the API description (/api/v1/openapi.json) and unknown routes", function () {
  this.timeout(180_000);

  describe("a server started in this process", () => {
    let server: RunningServer;
    let base: string;
    let doc: Document;
    const logLines: string[] = [];
    const data = tempDataDir();

    before(async () => {
      const port = await freePort();
      const log = pino({ level: "info" }, { write: (line: string) => void logLines.push(line) });
      const config = loadConfig({
        DATA_DIR: data.dir,
        PORT: String(port),
        HOST: "127.0.0.1",
        ADMIN_USERNAME: ADMIN.username,
        ADMIN_PASSWORD: ADMIN.password,
        NODE_ENV: "test",
      });
      server = await startServer(config, log, mxoGame);
      base = `http://127.0.0.1:${port}`;
      doc = (await http(base, "GET", "/api/v1/openapi.json")).body as Document;
    });
    after(async () => {
      await server?.stop("test done");
      data.remove();
    });

    it("lists every route the Express app serves, and Colyseus's matchmaking", () => {
      const routes = expressRoutes(server);
      assert.ok(routes.length >= 40, `only ${routes.length} routes found in the Express router`);
      const missing = routes.filter(([method, path]) => !doc.paths[path]?.[method]).map((r) => r.join(" "));
      assert.deepEqual(missing, [], "routes served but not documented");
      for (const method of ["joinOrCreate", "create", "join"]) {
        assert.ok(doc.paths[`/matchmake/${method}/district`]?.post, `POST /matchmake/${method}/district`);
      }
      assert.ok(doc.paths["/matchmake/joinById/{roomId}"]?.post);
      assert.ok(doc.paths["/matchmake/reconnect/{roomId}"]?.post);
      assert.ok(doc.paths["/api/v1/openapi.json"]?.get, "the document lists itself");
    });

    it("gives every success a schema, public operations `security: []`, and servers", () => {
      assert.ok(doc.servers && doc.servers.length > 0, "servers");
      const empty: string[] = [];
      const ids = new Set<string>();
      for (const [path, ops] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(ops)) {
          const where = `${method.toUpperCase()} ${path}`;
          assert.ok(!ids.has(op.operationId), `${where}: duplicate operationId`);
          ids.add(op.operationId);
          assert.ok(Array.isArray(op.security), `${where}: security stated`);
          const isPublic =
            path.startsWith("/auth/register") ||
            ["/auth/login", "/auth/refresh", "/health", "/ready", "/metrics", "/api/v1/districts"].includes(
              path,
            );
          if (isPublic) assert.deepEqual(op.security, [], `${where} is public`);
          for (const [status, answer] of Object.entries(op.responses)) {
            if (status === "204") continue;
            const content = Object.values(answer.content ?? {});
            if (
              content.length === 0 ||
              content.some((c) => !c.schema || Object.keys(c.schema).length === 0)
            ) {
              empty.push(`${where} ${status}`);
            }
          }
        }
      }
      assert.deepEqual(empty, [], "answers without a schema");
      const login = doc.paths["/auth/login"]!.post!;
      assert.deepEqual(login.responses["401"]!.content!["application/json"]!.schema, {
        $ref: "#/components/schemas/Error",
      });
      assert.deepEqual(doc.paths["/characters"]!.get!.security, [{ bearer: [] }]);
    });

    it("answers as documented: real traffic checked against the schemas (no mismatch logged)", async () => {
      const player: TestPlayer = await newPlayer(base);
      const refreshed = await http(base, "POST", "/auth/refresh", {
        body: { refreshToken: player.refreshToken },
      });
      assert.equal(refreshed.status, 200);
      const login = await http(base, "POST", "/auth/login", { body: ADMIN });
      assert.equal(login.status, 200, JSON.stringify(login.body));
      const admin = login.body.token as string;

      // The matchmaking call every client makes, as the document describes it.
      const reservation = await http(base, "POST", "/matchmake/joinOrCreate/district", {
        token: player.token,
        body: { district: "richland", characterId: player.characterId },
      });
      assert.equal(reservation.status, 200, JSON.stringify(reservation.body));
      SeatReservation.parse(reservation.body);

      const reads: [string, string][] = [
        ["GET", "/health"],
        ["GET", "/ready"],
        ["GET", "/api/v1/districts"],
        ["GET", "/characters"],
        ["GET", "/api/v1/admin/me"],
        ["GET", "/api/v1/admin/districts"],
        ["GET", "/api/v1/admin/players"],
        ["GET", "/api/v1/admin/commands"],
        ["GET", "/api/v1/admin/approvals"],
        ["GET", "/api/v1/admin/escalations"],
        ["GET", "/api/v1/admin/audit-logs?limit=20"],
        ["GET", "/api/v1/admin/audit-logs/verify"],
        ["GET", "/api/v1/admin/content"],
        ["GET", "/api/v1/admin/analytics/districts"],
        ["GET", `/api/v1/admin/analytics/players/${player.characterId}`],
      ];
      for (const [method, path] of reads) {
        const res = await http(base, method, path, {
          token: path.startsWith("/characters") ? player.token : admin,
        });
        assert.equal(res.status, 200, `${method} ${path}: ${JSON.stringify(res.body)}`);
      }
      const announce = await http(base, "POST", "/api/v1/admin/commands", {
        token: admin,
        body: { command: "announce", args: ["the document holds"] },
      });
      assert.equal(announce.status, 200, JSON.stringify(announce.body));
      const action = await http(base, "GET", `/api/v1/admin/gm-actions/${announce.body.actionId}`, {
        token: admin,
      });
      assert.equal(action.status, 200, JSON.stringify(action.body));
      const roles = await http(base, "PUT", `/api/v1/admin/accounts/${player.accountId}/roles`, {
        token: admin,
        body: { roles: ["player", "support"] },
      });
      assert.equal(roles.status, 200, JSON.stringify(roles.body));

      const mismatches = logLines.filter((l) => l.includes("response does not match its documented schema"));
      assert.deepEqual(mismatches, []);
      // The check itself is live: it has answers to compare (the log says so when one differs).
      assert.ok(logLines.length > 0);
    });
  });

  for (const transport of ["uws", "ws"] as const) {
    describe(`unknown routes with TRANSPORT=${transport}`, () => {
      let s: ServerHandle;
      const data = tempDataDir();
      before(function () {
        // Where no uWebSockets.js build loads (Node 24 on glibc < 2.38) the server refuses TRANSPORT=uws.
        skipUnlessTransportServes(this, transport);
      });
      before(async () => {
        s = await startServerProcess({ DATA_DIR: data.dir, TRANSPORT: transport }, { timeoutMs: 90_000 });
        const listening = s.lines.find((l) => l.includes('"mxo-server listening"')) ?? "";
        assert.ok(listening.includes(`"transport":"${transport}"`), listening);
      });
      after(async () => {
        await s?.stop("SIGKILL");
        data.remove();
      });

      it("answer the JSON error body with 404, whatever the path and method", async () => {
        const unknown: [string, string][] = [
          ["GET", "/nope"],
          ["GET", "/"],
          ["GET", "/api/v1/nope"],
          ["GET", "/api/v1/admin/nope"],
          ["POST", "/api/v1/admin/nope"],
          ["DELETE", "/characters"],
          ["PUT", "/auth/login"],
          ["PATCH", "/health"],
          ["GET", "/matchmake/joinOrCreate/district"],
          ["POST", "/matchmake/joinOrCreate"],
          ["GET", "/play/nothing.html"],
          ["GET", "/web/assets/nothing.js"],
        ];
        for (const [method, path] of unknown) {
          const res = await http(s.http, method, path, { body: method === "GET" ? undefined : {} });
          const where = `${method} ${path}`;
          assert.equal(res.status, 404, `${where}: ${res.status} ${JSON.stringify(res.body)}`);
          assert.match(res.headers.get("content-type") ?? "", /^application\/json/, where);
          const body = ErrorBody.parse(res.body);
          assert.equal(body.error.code, "not_found", where);
        }
      });

      it("leave the probes, metrics, pages and matchmaking as they were", async () => {
        assert.equal((await http(s.http, "GET", "/health")).status, 200);
        assert.equal((await http(s.http, "GET", "/ready")).status, 200);
        const metrics = await http(s.http, "GET", "/metrics");
        assert.equal(metrics.status, 200);
        assert.match(metrics.headers.get("content-type") ?? "", /^text\/plain/);
        for (const page of ["/play", "/admin"]) {
          const res = await http(s.http, "GET", page);
          // 503 is the page saying it is not built yet: HTML either way, never the JSON 404.
          assert.ok([200, 503].includes(res.status), `${page}: ${res.status}`);
          assert.match(res.headers.get("content-type") ?? "", /^text\/html/, page);
        }
        const p = await newPlayer(s.http);
        const reservation = await http(s.http, "POST", "/matchmake/joinOrCreate/district", {
          token: p.token,
          body: { district: "westview", characterId: p.characterId },
        });
        assert.equal(reservation.status, 200, JSON.stringify(reservation.body));
        SeatReservation.parse(reservation.body);
        const client = new ContractClient(s.ws);
        client.auth.token = p.token;
        const room = await client.consumeSeatReservation(reservation.body);
        assert.equal(typeof room.sessionId, "string");
        await room.leave();
        // Colyseus's own errors keep their shape (documented as such): an unknown room name.
        const unknownRoom = await http(s.http, "POST", "/matchmake/joinOrCreate/nosuchroom", { body: {} });
        assert.equal(unknownRoom.status, 520);
        assert.equal(typeof unknownRoom.body.error, "string");
      });
    });
  }

  describe("npm run lint:api", () => {
    it("writes the document from a server and passes redocly's recommended rules", () => {
      const run = spawnSync("npm", ["run", "--silent", "lint:api"], {
        cwd: ROOT,
        encoding: "utf8",
        timeout: 150_000,
      });
      assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
      assert.match(run.stdout + run.stderr, /Your API description is valid/);
      const doc = JSON.parse(readFileSync(join(ROOT, "dist/openapi.json"), "utf8")) as Document;
      assert.ok(doc.paths["/matchmake/joinOrCreate/district"]);
    });

    it("and the same lint refuses a document that breaks them", () => {
      const doc = JSON.parse(readFileSync(join(ROOT, "dist/openapi.json"), "utf8")) as Document;
      // An operation that names a security scheme the document does not define.
      doc.paths["/health"]!.get!.security = [{ nosuchscheme: [] }];
      const dir = mkdtempSync(join(tmpdir(), "mxo-apilint-"));
      try {
        writeFileSync(join(dir, "broken.json"), JSON.stringify(doc));
        const run = spawnSync(
          join(ROOT, "node_modules/.bin/redocly"),
          ["lint", "--extends", "recommended", join(dir, "broken.json")],
          { cwd: ROOT, encoding: "utf8", env: { ...process.env, REDOCLY_TELEMETRY: "off" } },
        );
        assert.notEqual(run.status, 0, run.stdout);
        assert.match(run.stdout + run.stderr, /security-defined/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
