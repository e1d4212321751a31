import assert from "node:assert/strict";
import { http, joinDistrict, me, newPlayer, sleep, waitFor } from "../helpers/api.js";
import { sampleValue, scrape } from "../helpers/metrics.js";
import { PG_ADMIN_URL, queryDatabase } from "../helpers/postgres.js";
import { deploy, type TestDeployment } from "../helpers/servers.js";

describe("probes and metrics (embedded database)", function () {
  this.timeout(60_000);
  let d: TestDeployment;
  before(async () => (d = await deploy("embedded")));
  after(async () => d?.cleanup());

  it("/health and /ready answer 200 on a healthy process", async () => {
    const health = await http(d.server.http, "GET", "/health");
    assert.equal(health.status, 200);
    assert.deepEqual(health.body, { status: "ok" });
    const ready = await http(d.server.http, "GET", "/ready");
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.body.checks, { accepting: "ok", database: "ok", presence: "ok" });
  });

  it("/metrics parses as Prometheus text with the mxo_ series holding sane values", async () => {
    const zion = await newPlayer(d.server.http);
    const machine = await newPlayer(d.server.http, "machines");
    const a = await joinDistrict(d.server.ws, zion, "richland");
    const b = await joinDistrict(d.server.ws, machine, "downtown");
    await waitFor(() => me(a.room) && me(b.room));
    a.room.onMessage("chat", () => {});
    a.room.send("chat", { channel: "district", text: "hello" });
    await sleep(600);

    const m = await scrape(d.server.http);
    assert.equal(sampleValue(m, "mxo_players_online", { district: "richland", organization: "zion" }), 1);
    assert.equal(sampleValue(m, "mxo_players_online", { district: "downtown", organization: "machines" }), 1);
    assert.equal(sampleValue(m, "mxo_rooms", { district: "richland" }), 1);
    assert.equal(sampleValue(m, "mxo_rooms", { district: "downtown" }), 1);

    assert.equal(m.types.get("mxo_tick_duration_seconds"), "HISTOGRAM");
    const tickCount = sampleValue(m, "mxo_tick_duration_seconds_count", { district: "richland" }) ?? 0;
    const tickSum = sampleValue(m, "mxo_tick_duration_seconds_sum", { district: "richland" }) ?? 0;
    assert.ok(tickCount >= 8, `only ${tickCount} ticks observed`);
    assert.ok(tickSum / tickCount < 0.05, "a tick averages under 50 ms");
    assert.equal(
      sampleValue(m, "mxo_tick_duration_seconds_bucket", { district: "richland", le: "+Inf" }),
      tickCount,
    );

    assert.equal(sampleValue(m, "mxo_messages_total", { type: "chat", result: "ok" }), 1);
    assert.equal(m.types.get("mxo_http_request_duration_seconds"), "HISTOGRAM");
    assert.equal(
      sampleValue(m, "mxo_http_request_duration_seconds_count", {
        route: "/auth/login",
        method: "POST",
        status: "200",
      }),
      2,
    );
    const patchBytes = sampleValue(m, "mxo_patch_bytes_total", { district: "richland" }) ?? 0;
    const sentBytes = sampleValue(m, "mxo_bytes_sent_total", { district: "richland" }) ?? 0;
    assert.ok(patchBytes > 0, "patches were sent");
    assert.ok(sentBytes > patchBytes, "handshake and chat frames count as sent bytes, not patches");
    assert.ok((sampleValue(m, "mxo_visible_entities_count") ?? 0) > 0, "interest updates observed");
    for (const name of [
      "process_cpu_user_seconds_total",
      "nodejs_eventloop_lag_seconds",
      "process_resident_memory_bytes",
    ]) {
      assert.ok(m.types.has(name), `default metric ${name}`);
    }

    await a.room.leave();
    await b.room.leave();
    await sleep(200);
    const after = await scrape(d.server.http);
    assert.equal(sampleValue(after, "mxo_players_online", { district: "richland", organization: "zion" }), 0);
  });

  it("/api/v1/districts describes the running content's districts for clients", async () => {
    const res = await http(d.server.http, "GET", "/api/v1/districts");
    assert.equal(res.status, 200);
    assert.equal(res.body.contentRevision, null, "the pack on disk");
    const ids = res.body.districts.map((x: any) => x.id).sort();
    assert.deepEqual(ids, ["downtown", "international", "richland", "westview"]);
    const richland = res.body.districts.find((x: any) => x.id === "richland");
    const arrival = richland.hardlines.find((h: any) => h.arrival);
    assert.equal(arrival.name, "Mara Central");
    assert.ok(richland.bounds.maxX > richland.bounds.minX);
    assert.ok(richland.contacts.some((c: any) => c.id === "rl-tyndall"));
    assert.ok(richland.missions.some((m: any) => m.id === "rl-wake-up"));
  });

  it("unknown routes answer 404 and do not crash the server", async () => {
    const res = await http(d.server.http, "GET", "/definitely/not/here");
    assert.equal(res.status, 404);
    assert.equal((await http(d.server.http, "GET", "/health")).status, 200);
  });
});

describe("readiness follows the database (postgres)", function () {
  this.timeout(60_000);
  let d: TestDeployment;
  before(async () => (d = await deploy("postgres")));
  after(async () => {
    await queryDatabase(PG_ADMIN_URL, `ALTER DATABASE ${dbName(d)} ALLOW_CONNECTIONS true`).catch(() => {});
    await d?.cleanup();
  });

  it("/ready answers 503 naming the database while it is unreachable, and 200 again after", async () => {
    assert.equal((await http(d.server.http, "GET", "/ready")).status, 200);
    await queryDatabase(PG_ADMIN_URL, `ALTER DATABASE ${dbName(d)} ALLOW_CONNECTIONS false`);
    await queryDatabase(
      PG_ADMIN_URL,
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
      [dbName(d)],
    );
    const down = await http(d.server.http, "GET", "/ready");
    assert.equal(down.status, 503);
    assert.equal(down.body.status, "unavailable");
    assert.match(down.body.checks.database, /^failed/);
    assert.equal(down.body.checks.presence, "ok");
    assert.equal((await http(d.server.http, "GET", "/health")).status, 200, "liveness is not readiness");
    // The metrics record the status really sent (uWS does not set headersSent).
    const m = await scrape(d.server.http);
    assert.ok(
      (sampleValue(m, "mxo_http_request_duration_seconds_count", {
        route: "/ready",
        method: "GET",
        status: "503",
      }) ?? 0) >= 1,
    );
    assert.equal(
      sampleValue(m, "mxo_http_request_duration_seconds_count", {
        route: "/ready",
        method: "GET",
        status: "204",
      }),
      undefined,
    );

    await queryDatabase(PG_ADMIN_URL, `ALTER DATABASE ${dbName(d)} ALLOW_CONNECTIONS true`);
    await waitFor(async () => (await http(d.server.http, "GET", "/ready")).status === 200, {
      what: "ready again",
    });
  });
});

function dbName(d: TestDeployment): string {
  return new URL(d.env.DATABASE_URL!).pathname.slice(1);
}
