import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { randomUUID } from "node:crypto";
import type { Client, Room } from "@colyseus/sdk";
import { http, joinDistrict, me, newPlayer, sleep, waitFor } from "../helpers/api.js";
import { ADMIN, processIdOf, startCluster, type TestCluster } from "../helpers/cluster.js";
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "../helpers/otlpReceiver.js";
import { startServerProcess, tempDataDir, type ServerHandle } from "../helpers/serverProcess.js";

const RECORD_MODULES = resolve(import.meta.dirname, "../fixtures/record-modules.mjs");

/** Export quickly: the test waits for spans, not for the SDK's 5 s batches. */
const TRACING_ENV = (rx: OtlpReceiver) => ({
  OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint,
  OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
  OTEL_BSP_SCHEDULE_DELAY: "100",
  OTEL_SERVICE_NAME: "mxo-tracing-test",
});

const names = (spans: ReceivedSpan[]) => spans.map((s) => s.name);
const named = (spans: ReceivedSpan[], name: string) => {
  const found = spans.filter((s) => s.name === name);
  assert.equal(found.length, 1, `one ${name} span in ${JSON.stringify(names(spans))}`);
  return found[0]!;
};
const pidOf = (span: ReceivedSpan) => span.resource["process.pid"];
const isDb = (s: ReceivedSpan) => s.attributes["db.system"] === "postgresql";
const isRedis = (s: ReceivedSpan) => s.attributes["db.system"] === "redis";

/** One tree: a single root, and every other span's parent in the same trace. */
function assertOneTree(spans: ReceivedSpan[], root: string): ReceivedSpan {
  const roots = spans.filter((s) => !s.parentSpanId);
  assert.deepEqual(names(roots), [root], "one root span");
  const ids = new Set(spans.map((s) => s.spanId));
  for (const s of spans) {
    if (s.parentSpanId) assert.ok(ids.has(s.parentSpanId), `${s.name}'s parent is in the trace`);
  }
  return roots[0]!;
}

/** Every descendant of `span`. */
function under(spans: ReceivedSpan[], span: ReceivedSpan): ReceivedSpan[] {
  const children = spans.filter((s) => s.parentSpanId === span.spanId);
  return children.flatMap((c) => [c, ...under(spans, c)]);
}

/** The JSON log lines of a process that name a trace. */
function logsOfTrace(server: ServerHandle, traceId: string): Record<string, unknown>[] {
  return server.lines
    .filter((l) => l.startsWith("{") && l.includes(traceId))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.trace_id === traceId);
}

async function travel(client: Client, room: Room<any>, district: string): Promise<Room<any>> {
  const answer = new Promise<any>((resolveAnswer, reject) => {
    room.onMessage("travel", resolveAnswer);
    room.onMessage("error", (e: { code: string; message: string }) =>
      reject(new Error(`${e.code}: ${e.message}`)),
    );
  });
  room.send("travel", { district });
  const { reservation } = await answer;
  const next = await client.consumeSeatReservation(reservation);
  await room.leave();
  return next;
}

describe("tracing (OpenTelemetry over OTLP)", function () {
  this.timeout(120_000);

  describe("two processes on Redis and PostgreSQL, exporting to a receiver", () => {
    let rx: OtlpReceiver;
    let c: TestCluster;
    let adminToken: string;

    before(async () => {
      rx = await startOtlpReceiver();
      c = await startCluster(2, { ...TRACING_ENV(rx), RECONNECT_GRACE_SECONDS: "0" });
      const login = await http(c.servers[0]!.http, "POST", "/auth/login", { body: ADMIN });
      assert.equal(login.status, 200);
      adminToken = login.body.token;
    });
    after(async () => {
      await c?.cleanup();
      await rx?.close();
    });

    it("makes one travel one trace across both processes: ticket, authorization, lease, load, first state, with database and Redis spans, and log lines naming it", async () => {
      const [a, b] = c.servers as [ServerHandle, ServerHandle];
      const traveller = await newPlayer(a.http);
      const from = await joinDistrict(a.ws, traveller, "richland");
      const hostOf = async (roomId: string) =>
        ((await http(a.http, "GET", "/api/v1/admin/districts", { token: adminToken })).body as any[]).find(
          (r) => r.roomId === roomId,
        )?.processId;
      // Anchors keep other districts open; one of them must run on the other process.
      // One at a time, a second apart: Colyseus places a room by the room counts each
      // process publishes at most once a second.
      const anchors: { district: string; room: Room<any> }[] = [];
      try {
        await waitFor(() => me(from.room));
        const home = await hostOf(from.room.roomId);
        let target: { district: string; room: Room<any> } | undefined;
        for (const district of ["downtown", "westview", "international"]) {
          await sleep(1100);
          const anchor = { district, ...(await joinDistrict(a.ws, await newPlayer(a.http), district)) };
          anchors.push(anchor);
          if ((await hostOf(anchor.room.roomId)) !== home) {
            target = anchor;
            break;
          }
        }
        assert.ok(target, "some district runs on the other process");
        const here = c.servers.find((s) => processIdOf(s) === home)!;
        const there = here === a ? b : a;

        const arrived = await travel(from.client, from.room, target.district);
        try {
          await waitFor(() => me(arrived), { what: "the traveller in the target room" });
          const travelSpan = await waitFor(
            () =>
              rx.spans.find(
                (s) => s.name === "travel" && s.attributes["mxo.character.id"] === traveller.characterId,
              ),
            { what: "the travel span", timeoutMs: 20_000 },
          );
          const spans = await rx.trace(
            travelSpan.traceId,
            (found) => found.some((s) => s.name === "zone.first_state"),
            "the arrival's first state in the travel's trace",
          );

          assertOneTree(spans, "travel");
          assert.equal(pidOf(travelSpan), here.proc.pid, "travel starts where the traveller was");
          const joined = named(spans, "zone.join");
          assert.equal(pidOf(joined), there.proc.pid, "the arrival is on the other process");
          assert.equal(new Set(spans.map(pidOf)).size, 2, "spans from both processes");
          assert.equal(joined.parentSpanId, travelSpan.spanId, "the arrival continues the ticket's trace");
          const authorized = named(spans, "zone.authorize");
          assert.equal(authorized.parentSpanId, travelSpan.spanId);
          assert.equal(authorized.attributes["mxo.character.id"], traveller.characterId);
          for (const step of ["character.lease", "character.load", "zone.first_state"]) {
            const span = named(spans, step);
            assert.equal(span.parentSpanId, joined.spanId, `${step} is a step of the join`);
            assert.equal(pidOf(span), there.proc.pid);
          }
          assert.ok(!spans.some((s) => s.status.code === 2), "no step failed");

          // Database: the hand-off's save on one side, the load's claim on the other.
          const load = named(spans, "character.load");
          const loadQueries = under(spans, load).filter(isDb);
          assert.ok(loadQueries.length > 0, "the load ran SQL under its span");
          for (const q of loadQueries) {
            assert.equal(q.kind, 3, "a client span");
            assert.equal(q.attributes["db.system.name"], "postgresql");
            assert.match(String(q.attributes["db.statement"]), /\b(SELECT|UPDATE)\b/);
            assert.equal(q.attributes["db.statement"], q.attributes["db.query.text"]);
            assert.equal(q.attributes["db.name"], new URL(c.databaseUrl).pathname.slice(1));
            assert.equal(q.attributes["server.address"], "127.0.0.1");
          }
          assert.ok(
            under(spans, travelSpan).some((s) => isDb(s) && pidOf(s) === here.proc.pid),
            "the hand-off saved through the database on the first process",
          );
          // Redis: the lease, and the seat reservation's matchmaking.
          const lease = named(spans, "character.lease");
          const leaseCommands = under(spans, lease).filter(isRedis);
          assert.ok(leaseCommands.length > 0, `Redis under the lease: ${JSON.stringify(names(spans))}`);
          for (const r of leaseCommands) {
            assert.equal(r.kind, 3);
            assert.equal(r.attributes["db.system.name"], "redis");
            assert.equal(r.attributes["db.operation.name"], r.name);
            assert.ok(
              String(r.attributes["db.statement"]).startsWith(r.name),
              "the statement names the command",
            );
          }
          assert.ok(
            spans.some((s) => isRedis(s) && pidOf(s) === here.proc.pid),
            "Redis on the first process too",
          );

          // Logs: the travel line on one process, the arrival on the other.
          const leaving = logsOfTrace(here, travelSpan.traceId);
          assert.ok(
            leaving.some((l) => l.msg === "travel"),
            `a travel log line with the trace id: ${JSON.stringify(leaving)}`,
          );
          const arriving = logsOfTrace(there, travelSpan.traceId).find((l) => l.msg === "player joined");
          assert.ok(arriving, "the arrival's log line names the travel's trace");
          assert.equal(arriving.span_id, joined.spanId, "…and the join's span");
        } finally {
          await arrived.leave();
        }
      } finally {
        for (const x of anchors) await x.room.leave();
      }
    });

    it("makes a join one trace from the matchmaking request to the first state", async () => {
      const player = await newPlayer(c.servers[1]!.http);
      const { room } = await joinDistrict(c.servers[1]!.ws, player, "richland");
      try {
        await waitFor(() => me(room));
        const authorized = await waitFor(
          () =>
            rx.spans.find(
              (s) => s.name === "zone.authorize" && s.attributes["mxo.character.id"] === player.characterId,
            ),
          { what: "the join's authorization span", timeoutMs: 20_000 },
        );
        const spans = await rx.trace(
          authorized.traceId,
          (found) => found.some((s) => s.name === "zone.first_state"),
          "the join's first state",
        );
        const request = assertOneTree(spans, "POST /matchmake/joinOrCreate/:roomName");
        assert.equal(request.kind, 2, "a server span");
        assert.equal(request.attributes["http.route"], "/matchmake/joinOrCreate/:roomName");
        assert.equal(request.attributes["http.response.status_code"], 200);
        assert.equal(authorized.parentSpanId, request.spanId);
        const joined = named(spans, "zone.join");
        assert.equal(joined.parentSpanId, request.spanId, "the seat continues the request's trace");
        const steps = ["zone.admission", "character.lease", "character.load", "zone.first_state"];
        for (const step of steps) assert.equal(named(spans, step).parentSpanId, joined.spanId);
        // In this order, one after another, after the request (start times are whole milliseconds).
        const times = steps.map((step) => named(spans, step));
        times.reduce((before, s) => {
          const at = JSON.stringify([before.startMs, before.endMs, s.startMs, s.endMs]);
          assert.ok(
            s.startMs >= Math.floor(before.endMs) && s.endMs >= s.startMs,
            `${s.name} after ${before.name}: ${at}`,
          );
          return s;
        }, request);
        assert.ok(under(spans, authorized).some(isDb), "authorization reads the session and character");
      } finally {
        await room.leave();
      }
    });

    it("makes an HTTP request and a GM command traces of their own, continuing a caller's traceparent", async () => {
      const traceId = randomUUID().replaceAll("-", "");
      const parentId = traceId.slice(0, 16);
      const res = await http(c.servers[0]!.http, "POST", "/api/v1/admin/commands", {
        token: adminToken,
        body: { command: "announce", args: ["the tracing test says hello"] },
        headers: { traceparent: `00-${traceId}-${parentId}-01` },
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const spans = await rx.trace(
        traceId,
        (found) => found.some((s) => s.name === "command announce") && found.some((s) => s.kind === 2),
        "the request's spans",
      );
      const request = spans.find((s) => s.kind === 2)!;
      assert.equal(request.parentSpanId, parentId, "the caller's span is the parent");
      assert.equal(request.name, "POST /api/v1/admin/commands");
      assert.equal(request.attributes["http.route"], "/api/v1/admin/commands");
      assert.equal(request.attributes["http.request.method"], "POST");
      assert.equal(request.attributes["http.response.status_code"], 200);
      const command = named(spans, "command announce");
      assert.ok(under(spans, request).includes(command), "the command runs inside the request");
      assert.equal(command.attributes["mxo.command.via"], "http");
      assert.equal(command.attributes["mxo.command.status"], "done");
      assert.equal(command.attributes["mxo.action.id"], res.body.actionId);
      assert.ok(under(spans, command).some(isDb), "its permission check and audit record are database spans");

      // A GM command typed in game: a trace of its own.
      const player = await newPlayer(c.servers[0]!.http);
      const { room } = await joinDistrict(c.servers[0]!.ws, player, "westview");
      try {
        const result = new Promise<any>((r) => room.onMessage("gm:result", r));
        room.send("gm", { command: "inspect", args: [player.characterName] });
        assert.equal((await result).ok, false, "a player may not inspect");
        const refused = await waitFor(
          () =>
            rx.spans.find((s) => s.name === "command inspect" && s.attributes["mxo.command.via"] === "game"),
          { what: "the in-game command's span", timeoutMs: 20_000 },
        );
        assert.equal(refused.parentSpanId, "", "a root: its own trace");
        assert.equal(refused.attributes["mxo.command.status"], "refused");
      } finally {
        await room.leave();
      }
      assert.deepEqual(rx.rejected, [], "every export was OTLP/JSON on /v1/traces");
    });
  });

  describe("on and off", () => {
    /** Starts the embedded server with the module recorder, makes a request, stops it; returns what it loaded. */
    async function run(env: Record<string, string>): Promise<{ modules: string[]; server: ServerHandle }> {
      const data = tempDataDir();
      const record = join(tmpdir(), `mxo-modules-${randomUUID()}.txt`);
      const server = await startServerProcess(
        { DATA_DIR: data.dir, RECORD_MODULES_TO: record, ...env },
        { nodeArgs: ["--import", RECORD_MODULES], timeoutMs: 90_000 },
      );
      try {
        await newPlayer(server.http);
        assert.equal(await server.stop("SIGTERM"), 0);
        return { modules: readFileSync(record, "utf8").split("\n").filter(Boolean), server };
      } finally {
        await server.stop("SIGKILL");
        data.remove();
        rmSync(record, { force: true });
      }
    }

    it("loads no OpenTelemetry SDK module without OTEL_EXPORTER_OTLP_ENDPOINT: the API alone", async () => {
      const { modules, server } = await run({});
      assert.ok(
        modules.some((m) => m.includes("@opentelemetry/api/")),
        "the recorder sees the API (it works)",
      );
      const others = modules.filter((m) => !m.includes("@opentelemetry/api/"));
      assert.deepEqual(others, [], "nothing of the SDK, exporters, resources or semantic conventions");
      assert.ok(!server.lines.some((l) => l.includes('"trace_id"')), "no log line names a trace");
    });

    it("loads the SDK with it, exports in the spec's default encoding (protobuf), and traces the embedded database (PGlite) like PostgreSQL", async () => {
      const rx = await startOtlpReceiver();
      try {
        const { OTEL_EXPORTER_OTLP_PROTOCOL: _json, ...byDefault } = TRACING_ENV(rx);
        const { modules } = await run(byDefault);
        for (const pkg of [
          "sdk-trace-node",
          "exporter-trace-otlp-proto",
          "resources",
          "context-async-hooks",
        ]) {
          assert.ok(
            modules.some((m) => m.includes(`@opentelemetry/${pkg}/`)),
            `@opentelemetry/${pkg} loaded`,
          );
        }
        const register = await waitFor(() => rx.spans.find((s) => s.name === "POST /auth/register"), {
          what: "the register request's span",
        });
        assert.equal(register.resource["service.name"], "mxo-tracing-test", "OTEL_SERVICE_NAME");
        assert.equal(register.attributes["http.response.status_code"], 201);
        const insert = rx.spans.find((s) => s.parentSpanId === register.spanId && isDb(s));
        assert.ok(insert, "a database span under the request");
        assert.equal(insert.attributes["mxo.db.embedded"], true);
        assert.equal(insert.attributes["db.name"], "pglite");
        assert.equal(insert.attributes["db.operation"], "INSERT");
        assert.match(String(insert.attributes["db.statement"]), /^INSERT INTO "?accounts"?/);
        assert.ok(!String(insert.attributes["db.statement"]).includes("correct horse"), "no values");
        assert.ok(rx.encodings.length > 0);
        assert.deepEqual(new Set(rx.encodings), new Set(["application/x-protobuf"]), "OTLP/protobuf");
        assert.deepEqual(rx.rejected, []);
      } finally {
        await rx.close();
      }
    });
  });
});
