import assert from "node:assert/strict";
import { readContentPackFiles } from "../../src/mxo/content/loadContentPack.js";
import { http, joinDistrict, me, newPlayer, sleep, waitFor, type TestPlayer } from "../helpers/api.js";
import { deploy, type TestDeployment } from "../helpers/servers.js";

const ADMIN = { username: "staff_cmd_admin", password: "staff command admin password" };
const A = "/api/v1/admin";

/**
 * Issue 14 point 5: roles, overrides, escalations, content and drain are
 * commands of the one registry, run by their admin routes (the metrics
 * stream by its game message): one permission check, one audit record per
 * attempt under `command.<name>`, and an inverse where the change can be
 * undone. They are not GM console commands.
 */
describe("staff actions are registry commands (postgres)", function () {
  this.timeout(120_000);
  let d: TestDeployment;
  let base: string;
  let boss: string;
  let bossName: string;

  const audit = async (query: string) =>
    (await http(base, "GET", `${A}/audit-logs?${query}`, { token: boss })).body.records as any[];
  const myRoles = async (p: TestPlayer) => (await http(base, "GET", `${A}/me`, { token: p.token })).body;
  const setRoles = (token: string, accountId: string, roles: string[]) =>
    http(base, "PUT", `${A}/accounts/${accountId}/roles`, { token, body: { roles } });
  const reverse = (id: string) => http(base, "POST", `${A}/gm-actions/${id}/reverse`, { token: boss });

  before(async () => {
    d = await deploy("postgres", { ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password });
    base = d.server.http;
    const login = await http(base, "POST", "/auth/login", { body: ADMIN });
    boss = login.body.token;
    bossName = ADMIN.username;
  });
  after(async () => d?.cleanup());

  it("each attempt, allowed or refused, is one audit record under command.<name>; none under the route", async () => {
    const p = await newPlayer(base);
    const outsider = await newPlayer(base);
    const ok = await setRoles(boss, p.accountId, ["support"]);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual(ok.body, { accountId: p.accountId, username: p.username, roles: ["support"] });
    const refused = await setRoles(outsider.token, p.accountId, ["admin"]);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, "forbidden");
    const bad = await setRoles(boss, p.accountId, ["emperor"]);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, "invalid_request");
    assert.match(bad.body.error.message, /^roles\.0: /);

    const mine = await audit(`actor=${bossName}&target=${p.username}`);
    assert.equal(mine.length, 1, JSON.stringify(mine));
    assert.equal(mine[0].action, "command.roles");
    assert.equal(mine[0].result, "ok");
    assert.deepEqual(mine[0].newValue, { roles: ["support"] });
    const theirs = await audit(`actor=${outsider.username}`);
    assert.deepEqual(
      theirs.map((r) => [r.action, r.result]),
      [["command.roles", "refused"]],
      "one record for the refused attempt",
    );
    const badOnes = await audit(`actor=${bossName}&action=command.roles&limit=5`);
    assert.ok(badOnes.some((r) => r.result === "refused" && /roles\.0/.test(r.message)));
    assert.equal((await audit(`actor=${outsider.username}&action=admin.*`)).length, 0);
  });

  it("reverse undoes a roles change, an overrides change and a content deploy; an escalation is not reversible", async () => {
    const p = await newPlayer(base);
    const before = (await myRoles(p)).roles;
    assert.equal((await setRoles(boss, p.accountId, ["gm_tier1"])).status, 200);
    const rolesAction = (await audit(`actor=${bossName}&action=command.roles&target=${p.username}`))[0];
    assert.equal((await reverse(rolesAction.id)).status, 200);
    assert.deepEqual((await myRoles(p)).roles, before);
    assert.equal((await reverse(rolesAction.id)).status, 409, "once");

    const granted = await http(base, "PUT", `${A}/accounts/${p.accountId}/permissions`, {
      token: boss,
      body: { grant: ["gm.command.kick"] },
    });
    assert.equal(granted.status, 200, JSON.stringify(granted.body));
    assert.ok((await myRoles(p)).permissions.grants.includes("gm.command.kick"));
    const grant = (await audit(`actor=${bossName}&action=command.overrides&target=${p.username}`))[0];
    assert.equal((await reverse(grant.id)).status, 200);
    assert.ok(!(await myRoles(p)).permissions.grants.includes("gm.command.kick"));

    const pack = readContentPackFiles("content").raw;
    const store = async () => {
      const res = await http(base, "POST", `${A}/content/revisions`, { token: boss, body: { pack } });
      assert.equal(res.status, 201, JSON.stringify(res.body).slice(0, 300));
      return res.body.revision as number;
    };
    const first = await store();
    const second = await store();
    const running = async () =>
      (await http(base, "GET", `${A}/content`, { token: boss })).body.running.revision;
    assert.equal(
      (await http(base, "POST", `${A}/content/revisions/${first}/deploy`, { token: boss })).status,
      200,
    );
    const deployed = await http(base, "POST", `${A}/content/revisions/${second}/deploy`, { token: boss });
    assert.deepEqual(deployed.body, { revision: second, previous: first });
    await waitFor(async () => (await running()) === second, { what: "second revision running" });
    const deploy = (await audit(`actor=${bossName}&action=command.content.deploy&limit=1`))[0];
    assert.equal(deploy.target, `revision ${second}`);
    assert.equal((await reverse(deploy.id)).status, 200);
    await waitFor(async () => (await running()) === first, { what: "back to the first revision" });
    const stored = (await audit(`actor=${bossName}&action=command.content.store&limit=1`))[0];
    assert.equal(stored.args.input.pack, "(content pack)", "the pack is not copied into the audit log");

    const gm = await newPlayer(base);
    assert.equal((await setRoles(boss, gm.accountId, ["gm_tier1"])).status, 200);
    const asked = await http(base, "POST", `${A}/escalations`, {
      token: gm.token,
      body: { reason: "event" },
    });
    assert.equal(asked.status, 202, JSON.stringify(asked.body));
    assert.equal(asked.body.status, "pending");
    const request = (await audit(`actor=${gm.username}&action=command.escalation.request`))[0];
    assert.equal(request.result, "ok");
    const irreversible = await reverse(request.id);
    assert.equal(irreversible.status, 409);
    assert.equal(irreversible.body.error.code, "irreversible");
    assert.equal((await http(base, "DELETE", `${A}/escalations/mine`, { token: gm.token })).status, 204);
  });

  it("they are not GM console commands: not listed, unknown to POST /commands and to the in-game gm message", async () => {
    const listed = (await http(base, "GET", `${A}/commands`, { token: boss })).body.map((c: any) => c.name);
    assert.ok(listed.includes("kick") && listed.includes("inspect"));
    for (const name of ["roles", "overrides", "escalation.request", "content.deploy", "drain", "metrics"]) {
      assert.ok(!listed.includes(name), `${name} not listed`);
      const res = await http(base, "POST", `${A}/commands`, {
        token: boss,
        body: { command: name, args: [] },
      });
      assert.equal(res.status, 400, `${name}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.code, "unknown_command");
    }
    const p = await newPlayer(base);
    assert.equal((await setRoles(boss, p.accountId, ["admin"])).status, 200);
    const { room } = await joinDistrict(d.server.ws, p, "richland");
    try {
      room.onMessage("*", () => {});
      await waitFor(() => me(room), { what: "in game" });
      const result = new Promise<any>((resolve) => room.onMessage("gm:result", resolve));
      room.send("gm", { command: "drain", args: [] });
      const answer = await result;
      assert.equal(answer.code, "unknown_command");
      assert.equal((await http(base, "GET", "/ready")).status, 200, "still serving");
    } finally {
      await Promise.race([room.leave().catch(() => {}), sleep(500)]);
    }
  });

  it("the in-game metrics stream is the metrics command: a player's attempt is refused and audited", async () => {
    const p = await newPlayer(base);
    const { room } = await joinDistrict(d.server.ws, p, "richland");
    try {
      const errors: any[] = [];
      room.onMessage("*", () => {});
      room.onMessage("error", (m: any) => errors.push(m));
      await waitFor(() => me(room), { what: "in game" });
      room.send("gm:metrics", { on: true });
      await waitFor(() => errors.some((e) => e.code === "forbidden"), { what: "refused" });
      await waitFor(async () => (await audit(`actor=${p.username}&action=command.metrics`)).length === 1, {
        what: "the refusal audited",
      });
    } finally {
      await Promise.race([room.leave().catch(() => {}), sleep(500)]);
    }
  });
});
