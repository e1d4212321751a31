import assert from "node:assert/strict";
import { http, newPlayer } from "../helpers/api.js";
import { deploy, type TestDeployment } from "../helpers/servers.js";

const ADMIN = { username: "embedded_admin", password: "admin password 123" };
const A = "/api/v1/admin";

describe("GM and admin (embedded database)", function () {
  this.timeout(90_000);
  let d: TestDeployment;
  let token: string;
  const login = async () => {
    const res = await http(d.server.http, "POST", "/auth/login", { body: ADMIN });
    assert.equal(res.status, 200);
    token = res.body.token;
  };

  before(async () => {
    d = await deploy("embedded", {
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      ADMIN_RATE_LIMIT_PER_MINUTE: "40",
    });
    await login();
  });
  after(async () => d?.cleanup());

  it("runs commands concurrently on the one PGlite session; the audit chain holds across a restart", async () => {
    const target = await newPlayer(d.server.http);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        http(d.server.http, "POST", `${A}/commands`, {
          token,
          body: {
            command: i % 2 ? "give" : "inspect",
            args: [target.characterName, "w-katana", "1"].slice(0, i % 2 ? 3 : 1),
          },
        }),
      ),
    );
    assert.deepEqual(
      results.map((r) => r.status),
      Array(20).fill(200),
    );
    const inventory = (
      await http(d.server.http, "POST", `${A}/commands`, {
        token,
        body: { command: "inspect", args: [target.characterName] },
      })
    ).body.data.inventory;
    assert.deepEqual(inventory, [{ itemId: "w-katana", quantity: 10 }]);
    const give = results[1]!.body.actionId;
    assert.equal(
      (await http(d.server.http, "POST", `${A}/gm-actions/${give}/reverse`, { token })).status,
      200,
    );
    assert.equal(
      (await http(d.server.http, "POST", `${A}/gm-actions/${give}/reverse`, { token })).status,
      409,
    );

    const verify = async () => (await http(d.server.http, "GET", `${A}/audit-logs/verify`, { token })).body;
    const before = await verify();
    assert.equal(before.ok, true);
    assert.equal(before.records, 23, "20 commands, an inspect, the reversal and the refused second one");

    await d.restart();
    await login();
    const after = await verify();
    assert.equal(after.ok, true);
    assert.ok(after.records >= before.records);
    const newest = (await http(d.server.http, "GET", `${A}/audit-logs?limit=2`, { token })).body.records;
    assert.equal(newest[0].action, "admin.post /gm-actions/:id/reverse", "the refused second reversal");
    assert.equal(newest[0].result, "refused");
    assert.equal(newest[1].action, "command.take", "the reversal is the newest command");
  });

  it("staff rules hold on the embedded database: roles from above only, escalation with a second person", async () => {
    const base = d.server.http;
    const put = (as: string, id: string, what: string, body: unknown) =>
      http(base, "PUT", `${A}/accounts/${id}/${what}`, { token: as, body });
    const admin = await newPlayer(base);
    assert.equal((await put(token, admin.accountId, "roles", { roles: ["admin"] })).status, 200);
    const gm = await newPlayer(base);
    assert.equal((await put(admin.token, admin.accountId, "permissions", { grant: ["*"] })).status, 403);
    assert.equal((await put(admin.token, gm.accountId, "roles", { roles: ["admin"] })).status, 403);
    assert.equal((await put(admin.token, gm.accountId, "roles", { roles: ["gm_tier1"] })).status, 200);
    const asked = await http(base, "POST", `${A}/escalations`, {
      token: gm.token,
      body: { reason: "event" },
    });
    assert.equal(asked.status, 202, JSON.stringify(asked.body));
    const ok = await http(base, "POST", `${A}/escalations/${asked.body.id}/approve`, { token: admin.token });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const me = await http(base, "GET", `${A}/me`, { token: gm.token });
    assert.deepEqual(me.body.roles, ["gm_tier1", "gm_tier2"]);
  });

  it("rate-limits the admin API per account, not per address", async () => {
    const other = await newPlayer(d.server.http);
    let limited: { status: number; body: any } | undefined;
    for (let i = 0; i < 45 && !limited; i++) {
      const res = await http(d.server.http, "GET", `${A}/me`, { token });
      if (res.status === 429) limited = res;
      else assert.equal(res.status, 200);
    }
    assert.ok(limited, "the admin hit the limit");
    assert.equal(limited.body.error.code, "rate_limited");
    assert.ok(limited.body.error.requestId);
    // Same address, another account: its own budget.
    assert.equal((await http(d.server.http, "GET", `${A}/me`, { token: other.token })).status, 200);
  });
});
