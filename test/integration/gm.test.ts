import assert from "node:assert/strict";
import type { Room } from "@colyseus/sdk";
import { Secret, TOTP } from "otpauth";
import { http, joinDistrict, me, newPlayer, sleep, waitFor, type TestPlayer } from "../helpers/api.js";
import { queryDatabase } from "../helpers/postgres.js";
import { deploy, type TestDeployment } from "../helpers/servers.js";
import { AuditLog } from "../../src/framework/audit/AuditLog.js";
import { PermissionService } from "../../src/framework/auth/PermissionService.js";
import { CommandRegistry } from "../../src/framework/commands/CommandRegistry.js";
import { FRAMEWORK_COMMANDS } from "../../src/framework/commands/index.js";
import { loadConfig } from "../../src/framework/config/config.js";
import { Metrics } from "../../src/framework/metrics/metrics.js";
import { openDatabase } from "../../src/framework/persistence/database.js";
import { typeormStores } from "../../src/framework/persistence/typeorm/typeormStores.js";
import { createLogger } from "../../src/framework/util/logger.js";

const ADMIN = { username: "gm_admin", password: "admin password 123" };
const A = "/api/v1/admin";

type Joined = Awaited<ReturnType<typeof joinDistrict>>;

/** Another client's copy of a player, found by character name. */
function seen(room: Room<any>, name: string): any {
  for (const p of room.state?.players?.values() ?? []) if (p.name === name) return p;
  return undefined;
}

/** Sends `gm {command, args}` and waits for its `gm:result`. */
function gm(room: Room<any>, command: string, ...args: string[]): Promise<any> {
  return new Promise((resolve) => {
    const off = room.onMessage("gm:result", (m: any) => {
      off();
      resolve(m);
    });
    room.send("gm", { command, args });
  });
}

function closeCode(room: Room<any>): Promise<number> {
  return new Promise((resolve) => room.onLeave((code: number) => resolve(code)));
}

describe("GM and admin (postgres)", function () {
  this.timeout(120_000);
  let d: TestDeployment;
  let base: string;
  let adminToken: string;
  const joined: Joined[] = [];

  const join = async (p: TestPlayer, district = "richland") => {
    const j = await joinDistrict(d.server.ws, p, district);
    j.room.onMessage("*", () => {});
    joined.push(j);
    await waitFor(() => me(j.room), { what: "own player" });
    return j;
  };
  const setRoles = async (p: TestPlayer, roles: string[]) => {
    const res = await http(base, "PUT", `${A}/accounts/${p.accountId}/roles`, {
      token: adminToken,
      body: { roles },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  };
  const staff = async (roles: string[]) => {
    const p = await newPlayer(base);
    await setRoles(p, roles);
    return p;
  };
  const run = (token: string, command: string, ...args: string[]) =>
    http(base, "POST", `${A}/commands`, { token, body: { command, args } });
  const audit = async (query: string) =>
    (await http(base, "GET", `${A}/audit-logs?${query}`, { token: adminToken })).body.records as any[];

  before(async () => {
    d = await deploy("postgres", {
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      GM_ESCALATION_SECONDS: "3",
      GM_BULK_GIVE_THRESHOLD: "100",
      MAX_MESSAGES_PER_SECOND: "200",
    });
    base = d.server.http;
    const login = await http(base, "POST", "/auth/login", { body: ADMIN });
    assert.equal(login.status, 200);
    adminToken = login.body.token;
  });
  afterEach(async () => {
    // A room the test already left (travel, kick, ban) never answers a second leave.
    for (const j of joined.splice(0)) await Promise.race([j.room.leave().catch(() => {}), sleep(1000)]);
  });
  after(async () => d?.cleanup());

  describe("permissions", () => {
    it("a player's gm message is refused and the refusal audited", async () => {
      const p = await newPlayer(base);
      const j = await join(p);
      const result = await gm(j.room, "kick", "Someone");
      assert.equal(result.ok, false);
      assert.match(result.message, /Not permitted: kick needs gm\.command\.kick/);
      const records = await audit(`actor=${p.username}`);
      assert.equal(records[0].action, "command.kick");
      assert.equal(records[0].result, "refused");
      assert.equal(records[0].id, result.actionId);
      assert.equal(records[0].via, "game");
    });

    it("tiers: tier1 kicks and mutes but cannot give; tier2 gives items but not currency; tier3 can", async () => {
      const t1 = await staff(["gm_tier1"]);
      const t2 = await staff(["gm_tier2"]);
      const t3 = await staff(["gm_tier3"]);
      const target = await newPlayer(base);
      assert.equal((await run(t1.token, "mute", target.characterName, "1m", "spam")).status, 200);
      assert.equal((await run(t1.token, "give", target.characterName, "w-lead-pipe")).status, 403);
      assert.equal((await run(t2.token, "give", target.characterName, "w-lead-pipe")).status, 200);
      const currency = await run(t2.token, "give", target.characterName, "currency", "50");
      assert.equal(currency.status, 403);
      assert.match(currency.body.error.message, /economy\.currency/);
      assert.equal((await run(t3.token, "give", target.characterName, "currency", "50")).status, 200);
      const inspect = await run(t3.token, "inspect", target.characterName);
      assert.equal(inspect.body.data.currency, 50);
      assert.deepEqual(inspect.body.data.inventory, [{ itemId: "w-lead-pipe", quantity: 1 }]);
    });

    it("a demotion holds at once; a per-account deny beats the role", async () => {
      const g = await staff(["gm_tier2"]);
      const target = await newPlayer(base);
      assert.equal((await run(g.token, "give", target.characterName, "w-lead-pipe")).status, 200);
      const deny = await http(base, "PUT", `${A}/accounts/${g.accountId}/permissions`, {
        token: adminToken,
        body: { deny: ["gm.command.give"] },
      });
      assert.equal(deny.status, 200, JSON.stringify(deny.body));
      assert.equal((await run(g.token, "give", target.characterName, "w-lead-pipe")).status, 403);
      await http(base, "PUT", `${A}/accounts/${g.accountId}/permissions`, { token: adminToken, body: {} });
      assert.equal((await run(g.token, "give", target.characterName, "w-lead-pipe")).status, 200);
      await setRoles(g, ["player"]);
      assert.equal((await run(g.token, "give", target.characterName, "w-lead-pipe")).status, 403);
    });

    it("an approved escalation lifts tier1 to tier2 for a while, audited, then expires by itself", async () => {
      const g = await staff(["gm_tier1"]);
      const approver = await staff(["gm_tier3"]);
      const target = await newPlayer(base);
      const escalate = async (reason: string) => {
        const asked = await http(base, "POST", `${A}/escalations`, { token: g.token, body: { reason } });
        assert.equal(asked.status, 202, JSON.stringify(asked.body));
        const pending = await http(base, "GET", `${A}/escalations`, { token: approver.token });
        assert.ok(pending.body.some((e: any) => e.id === asked.body.id && e.username === g.username));
        const ok = await http(base, "POST", `${A}/escalations/${asked.body.id}/approve`, {
          token: approver.token,
        });
        assert.equal(ok.status, 200, JSON.stringify(ok.body));
        return ok.body;
      };
      assert.equal((await run(g.token, "give", target.characterName, "w-lead-pipe")).status, 403);
      const esc = await escalate("event night");
      assert.equal(esc.role, "gm_tier2");
      assert.equal(esc.status, "active");
      const again = await http(base, "POST", `${A}/escalations`, {
        token: g.token,
        body: { reason: "more" },
      });
      assert.equal(again.status, 409);
      assert.equal((await run(g.token, "give", target.characterName, "w-lead-pipe")).status, 200);
      const records = await audit(`actor=${approver.username}&action=command.escalation.*`);
      assert.ok(records.some((r) => r.result === "ok" && /escalation to gm_tier2/.test(r.message)));
      await sleep(3200);
      assert.equal((await run(g.token, "give", target.characterName, "w-lead-pipe")).status, 403, "expired");
      // …and one can be ended early; a request can be withdrawn or turned down.
      await escalate("again");
      assert.equal((await http(base, "DELETE", `${A}/escalations/mine`, { token: g.token })).status, 204);
      assert.equal((await run(g.token, "give", target.characterName, "w-lead-pipe")).status, 403);
      const asked = await http(base, "POST", `${A}/escalations`, {
        token: g.token,
        body: { reason: "once more" },
      });
      const no = await http(base, "POST", `${A}/escalations/${asked.body.id}/reject`, {
        token: approver.token,
      });
      assert.equal(no.status, 200, JSON.stringify(no.body));
      assert.equal(
        (await http(base, "POST", `${A}/escalations/${asked.body.id}/approve`, { token: approver.token }))
          .status,
        404,
      );
      const t3 = await staff(["gm_tier3"]);
      assert.equal(
        (await http(base, "POST", `${A}/escalations`, { token: t3.token, body: { reason: "x y z" } })).status,
        403,
      );
    });
  });

  describe("staff privileges (issue 13)", () => {
    const login = (p: { username: string; password: string }) =>
      http(base, "POST", "/auth/login", { body: { username: p.username, password: p.password } });
    const overrides = (token: string, accountId: string, body: unknown) =>
      http(base, "PUT", `${A}/accounts/${accountId}/permissions`, { token, body });
    const roles = (token: string, accountId: string, list: string[]) =>
      http(base, "PUT", `${A}/accounts/${accountId}/roles`, { token, body: { roles: list } });
    const escalate = (token: string, reason = "event night") =>
      http(base, "POST", `${A}/escalations`, { token, body: { reason } });
    const decideEscalation = (token: string, id: string, decision: "approve" | "reject") =>
      http(base, "POST", `${A}/escalations/${id}/${decision}`, { token });
    const adminCharacter = async () => {
      const res = await http(base, "POST", "/characters", {
        token: adminToken,
        body: { name: `Boss${Math.floor(Math.random() * 1e8)}` },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.name as string;
    };

    it("C2: an admin cannot grant itself * nor make anyone super_admin or admin", async () => {
      const admin = await staff(["admin"]);
      const other = await newPlayer(base);
      const self = await overrides(admin.token, admin.accountId, { grant: ["*"] });
      assert.equal(self.status, 403, JSON.stringify(self.body));
      assert.equal((await roles(admin.token, other.accountId, ["super_admin"])).status, 403);
      assert.equal((await roles(admin.token, other.accountId, ["admin"])).status, 403, "no peers");
      assert.equal((await overrides(admin.token, other.accountId, { grant: ["*"] })).status, 403);
      const me = (await http(base, "GET", `${A}/me`, { token: admin.token })).body;
      assert.ok(!me.permissions.grants.includes("*"), "nothing was granted");
      // What it holds, it may hand to someone below it.
      assert.equal((await overrides(admin.token, other.accountId, { grant: ["gm.*"] })).status, 200);
      assert.equal((await roles(admin.token, other.accountId, ["gm_tier3"])).status, 200);
      const adminId = (await http(base, "GET", `${A}/me`, { token: adminToken })).body.accountId;
      assert.equal((await overrides(admin.token, adminId, { deny: ["gm.*"] })).status, 403, "above it");
    });

    it("C2: nobody delegates a permission or a role it does not wholly hold", async () => {
      const t3 = await staff(["gm_tier3"]);
      assert.equal((await overrides(adminToken, t3.accountId, { grant: ["admin.roles"] })).status, 200);
      const p = await newPlayer(base);
      assert.equal((await overrides(t3.token, p.accountId, { grant: ["server.*"] })).status, 403);
      assert.equal((await overrides(t3.token, p.accountId, { grant: ["server.drain"] })).status, 200);
      assert.equal((await roles(t3.token, p.accountId, ["gm_tier2"])).status, 200);
      assert.equal((await roles(t3.token, p.accountId, ["analyst"])).status, 403, "analytics.* not held");
      assert.equal((await roles(t3.token, p.accountId, ["gm_tier3"])).status, 403, "a peer");
      const peer = await staff(["gm_tier3"]);
      assert.equal((await roles(t3.token, peer.accountId, ["player"])).status, 403, "demoting a peer");
      const refused = await audit(`actor=${t3.username}`);
      assert.ok(refused.filter((r) => r.result === "refused").length >= 4, "refusals audited");
    });

    it("C3: nobody sanctions an account of their rank or above", async () => {
      const bossChar = await adminCharacter();
      const t2 = await staff(["gm_tier2"]);
      const ban = await run(t2.token, "ban", bossChar, "20s", "x");
      assert.equal(ban.status, 403, JSON.stringify(ban.body));
      assert.equal(ban.body.error.code, "outranked");
      assert.equal((await login(ADMIN)).status, 200, "the super admin is not locked out");
      const t1 = await staff(["gm_tier1"]);
      const peer = await staff(["gm_tier1"]);
      const player = await newPlayer(base);
      assert.equal((await run(t1.token, "mute", t2.characterName, "1m", "x")).status, 403);
      assert.equal((await run(t1.token, "mute", peer.characterName, "1m", "x")).status, 403);
      assert.equal((await run(t1.token, "mute", player.characterName, "1m", "x")).status, 200);
      for (const [cmd, ...args] of [
        ["kick", bossChar],
        ["setstat", bossChar, "level", "1"],
        ["take", bossChar, "w-katana", "1"],
      ]) {
        const res = await run(t2.token, cmd!, ...args);
        assert.equal(res.status, 403, `${cmd}: ${JSON.stringify(res.body)}`);
      }
    });

    it("C3: escalation waits for a second person who holds the tier asked for", async () => {
      const g = await staff(["gm_tier1"]);
      const target = await newPlayer(base);
      const asked = await escalate(g.token);
      assert.equal(asked.status, 202, JSON.stringify(asked.body));
      assert.equal(asked.body.role, "gm_tier2");
      assert.equal(asked.body.status, "pending");
      assert.equal((await run(g.token, "give", target.characterName, "w-lead-pipe")).status, 403, "not yet");
      assert.equal((await decideEscalation(g.token, asked.body.id, "approve")).status, 403, "self");
      const t2 = await staff(["gm_tier2"]);
      assert.equal((await decideEscalation(t2.token, asked.body.id, "approve")).status, 403);
      const limited = await staff(["admin"]);
      await overrides(adminToken, limited.accountId, { deny: ["gm.command.give"] });
      assert.equal(
        (await decideEscalation(limited.token, asked.body.id, "approve")).status,
        403,
        "the approver does not hold all of gm_tier2",
      );
      const t3 = await staff(["gm_tier3"]);
      const ok = await decideEscalation(t3.token, asked.body.id, "approve");
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal((await run(g.token, "give", target.characterName, "w-lead-pipe")).status, 200);
      assert.equal((await decideEscalation(t3.token, asked.body.id, "approve")).status, 409, "once");
    });

    it("H6: sanctions find the character named, never an account that merely has its name", async () => {
      const victim = await newPlayer(base);
      const decoy = await http(base, "POST", "/auth/register", {
        body: { username: victim.characterName, password: "decoy password 1" },
      });
      assert.equal(decoy.status, 201);
      const g = await staff(["gm_tier3"]);
      const ban = await run(g.token, "ban", victim.characterName, "1h", "botting");
      assert.equal(ban.status, 200, JSON.stringify(ban.body));
      assert.equal((await login(victim)).status, 403, "the character's owner is banned");
      assert.equal(
        (await login({ username: victim.characterName, password: "decoy password 1" })).status,
        200,
        "the look-alike account is not",
      );
      // unban takes an account: the look-alike is not banned, the owner's account is.
      assert.equal((await run(g.token, "unban", victim.characterName)).status, 409);
      assert.equal((await run(g.token, "unban", victim.username)).status, 200);
      assert.equal((await login(victim)).status, 200);
      // An account can be named explicitly where a character is expected.
      assert.equal((await run(g.token, "mute", `account:${victim.characterName}`, "1m", "x")).status, 200);
      const muted = await queryDatabase(
        d.env.DATABASE_URL!,
        `SELECT username FROM accounts WHERE muted_until > now() AND lower(username) = lower($1)`,
        [victim.characterName],
      );
      assert.equal(muted.length, 1);
    });

    it("H7: a replayed or repeated give past the threshold waits for a second GM", async () => {
      const g = await staff(["gm_tier3"]);
      const target = await newPlayer(base);
      const first = await run(g.token, "give", target.characterName, "w-katana", "100");
      assert.equal(first.status, 200, JSON.stringify(first.body));
      const replay = await http(base, "POST", `${A}/gm-actions/${first.body.actionId}/replay`, {
        token: g.token,
      });
      assert.equal(replay.status, 202, JSON.stringify(replay.body));
      assert.equal((await run(g.token, "give", target.characterName, "w-katana", "1")).status, 202);
      const inv = (await run(g.token, "inspect", target.characterName)).body.data.inventory;
      assert.deepEqual(inv, [{ itemId: "w-katana", quantity: 100 }]);
    });

    it("H7: a GM's give to its own character needs someone who outranks it", async () => {
      const g = await staff(["gm_tier3"]);
      const peer = await staff(["gm_tier3"]);
      const queued = await run(g.token, "give", g.characterName, "w-katana", "1");
      assert.equal(queued.status, 202, JSON.stringify(queued.body));
      const byPeer = await http(base, "POST", `${A}/approvals/${queued.body.approvalId}/approve`, {
        token: peer.token,
      });
      assert.equal(byPeer.status, 403, JSON.stringify(byPeer.body));
      const byAdmin = await http(base, "POST", `${A}/approvals/${queued.body.approvalId}/approve`, {
        token: adminToken,
      });
      assert.equal(byAdmin.status, 200, JSON.stringify(byAdmin.body));
      assert.equal((await run(g.token, "setstat", g.characterName, "level", "50")).status, 202);
    });

    it("H7: a reversal past the threshold waits for a second GM and holds the action until decided", async () => {
      const g = await staff(["gm_tier3"]);
      const g2 = await staff(["gm_tier3"]);
      const p = await newPlayer(base);
      const decide = (id: string, decision: string) =>
        http(base, "POST", `${A}/approvals/${id}/${decision}`, { token: g2.token });
      const action = async (id: string) =>
        (await http(base, "GET", `${A}/gm-actions/${id}`, { token: adminToken })).body;
      const bulk = await run(g.token, "give", p.characterName, "w-katana", "300");
      assert.equal(bulk.status, 202);
      assert.equal((await decide(bulk.body.approvalId, "approve")).status, 200);
      const take = await run(g.token, "take", p.characterName, "w-katana", "300");
      assert.equal(take.status, 200, JSON.stringify(take.body));
      const reverse = () =>
        http(base, "POST", `${A}/gm-actions/${take.body.actionId}/reverse`, { token: g.token });
      const queued = await reverse();
      assert.equal(queued.status, 202, JSON.stringify(queued.body));
      assert.notEqual((await action(take.body.actionId)).reversedAt, null, "held while it waits");
      assert.equal((await reverse()).status, 409);
      assert.equal((await decide(queued.body.approvalId, "reject")).status, 200);
      assert.equal((await action(take.body.actionId)).reversedAt, null, "given back when rejected");
      const again = await reverse();
      assert.equal(again.status, 202);
      const done = await decide(again.body.approvalId, "approve");
      assert.equal(done.status, 200, JSON.stringify(done.body));
      assert.equal((await action(take.body.actionId)).reversedBy, done.body.actionId);
      const inv = (await run(adminToken, "inspect", p.characterName)).body.data.inventory;
      assert.deepEqual(inv, [{ itemId: "w-katana", quantity: 300 }]);
    });

    it("H7: reverse checks the target as it is now", async () => {
      const g = await staff(["gm_tier2"]);
      const p = await newPlayer(base);
      const give = await run(g.token, "give", p.characterName, "w-katana", "1");
      assert.equal(give.status, 200);
      await setRoles(p, ["gm_tier2"]);
      const rev = await http(base, "POST", `${A}/gm-actions/${give.body.actionId}/reverse`, {
        token: g.token,
      });
      assert.equal(rev.status, 403, JSON.stringify(rev.body));
      assert.equal(
        (await http(base, "GET", `${A}/gm-actions/${give.body.actionId}`, { token: adminToken })).body
          .reversedAt,
        null,
      );
    });

    it("M1: NUL in a command, an audit query or an escalation reason is a clear 400, and audited", async () => {
      const p = await newPlayer(base);
      const res = await run(p.token, "kick", "a\u0000b");
      assert.equal(res.status, 400, JSON.stringify(res.body));
      const g = await staff(["gm_tier3"]);
      const target = await newPlayer(base);
      const mute = await run(g.token, "mute", target.characterName, "10m", "spam\u0000");
      assert.equal(mute.status, 400, JSON.stringify(mute.body));
      const q = await http(base, "GET", `${A}/audit-logs?actor=a%00b`, { token: adminToken });
      assert.equal(q.status, 400, JSON.stringify(q.body));
      const t1 = await staff(["gm_tier1"]);
      const esc = await escalate(t1.token, "why\u0000not");
      assert.equal(esc.status, 400, JSON.stringify(esc.body));
      for (const who of [p, g, t1]) {
        const records = await audit(`actor=${who.username}`);
        assert.ok(
          records.some((r) => r.result === "refused" && JSON.stringify(r).includes("\\\\u0000")),
          `${who.username}'s refusal stored with the NUL escaped`,
        );
      }
      // In game: an answer, not an unhandled rejection.
      const j = await join(p);
      const answer = await new Promise<{ type: string; m: any }>((resolve) => {
        j.room.onMessage("gm:result", (m: any) => resolve({ type: "gm:result", m }));
        j.room.onMessage("error", (m: any) => resolve({ type: "error", m }));
        j.room.send("gm", { command: "kick\u0000", args: ["x"] });
      });
      // The registry answers (and audits), not the message gate.
      assert.equal(answer.type, "gm:result", JSON.stringify(answer.m));
      assert.equal(answer.m.ok, false);
      assert.equal(answer.m.code, "invalid_arguments");
      const refused = (await audit(`actor=${p.username}`)).find((r) => r.id === answer.m.actionId);
      assert.equal(refused?.result, "refused");
      assert.ok(!d.server.lines.some((l) => /unhandled/i.test(l)), "no unhandled rejection");
      assert.equal((await http(base, "GET", `${A}/audit-logs/verify`, { token: adminToken })).body.ok, true);
    });

    it("M1: the audit log and the registry are safe on their own, with no guard in front of them", async () => {
      // The same database as the server, opened here: nothing between the caller and these two.
      const db = await openDatabase(
        loadConfig({ DATABASE_URL: d.env.DATABASE_URL! }),
        createLogger("silent"),
      );
      try {
        const stores = typeormStores(db.dataSource);
        const log = new AuditLog(stores.audit);
        const nul = "x\u0000y";
        const record = await log.append({
          actorId: null,
          actor: nul,
          action: `test.${nul}`,
          target: nul,
          args: { [nul]: [nul, "\ud800"] },
          newValue: nul,
          result: "refused",
          message: nul,
          via: "system",
          userAgent: nul,
        });
        assert.equal(record.actor, "x\\u0000y");
        assert.deepEqual(record.args, { "x\\u0000y": ["x\\u0000y", "\ufffd"] });
        const registry = new CommandRegistry({
          gmActions: stores.gmActions,
          approvals: stores.approvals,
          // Never reached: the registry refuses the arguments before it looks anything up.
          world: undefined as never,
          permissions: new PermissionService(stores.permissions),
          audit: log,
          metrics: new Metrics(),
          log: createLogger("silent"),
          policy: { bulkGiveThreshold: 100 },
        }).register(...FRAMEWORK_COMMANDS);
        const p = await newPlayer(base);
        const outcome = await registry.run(
          { accountId: p.accountId, username: p.username, via: "game" },
          "mute",
          ["Someone", "10m", nul],
        );
        assert.equal(outcome.ok, false);
        assert.equal(outcome.code, "invalid_arguments");
        assert.equal(outcome.httpStatus, 400);
        const stored = (await audit(`actor=${p.username}`)).find((r) => r.id === outcome.actionId);
        assert.deepEqual(stored?.args, ["Someone", "10m", "x\\u0000y"]);
        assert.equal(
          (await http(base, "GET", `${A}/audit-logs/verify`, { token: adminToken })).body.ok,
          true,
        );
      } finally {
        await db.close();
      }
    });

    it("M2: a flood of refused gm messages writes a bounded number of audit records, with a count", async () => {
      const p = await newPlayer(base);
      const j = await join(p);
      const results: any[] = [];
      j.room.onMessage("gm:result", (m: any) => results.push(m));
      for (let i = 0; i < 60; i++) j.room.send("gm", { command: "ban", args: ["Someone", "1h", "x"] });
      await waitFor(() => results.length === 60, { what: "60 answers", timeoutMs: 10_000 });
      assert.ok(results.every((r) => r.ok === false));
      const rows = await audit(`actor=${p.username}&limit=500`);
      assert.ok(rows.length <= 6, `${rows.length} audit records for 60 refusals`);
      await waitFor(
        async () => {
          const all = await audit(`actor=${p.username}&limit=500`);
          const counted = all.reduce(
            (n, r) => n + (r.action === "audit.refusals" ? Number(r.newValue.count) : 1),
            0,
          );
          return counted === 60;
        },
        { timeoutMs: 20_000, intervalMs: 500, what: "every refusal counted" },
      );
    });

    it("M4: refusals answer 403 not permitted, 404 not found, 400 bad arguments, 409 only for conflicts", async () => {
      const t2 = await staff(["gm_tier2"]);
      const p = await newPlayer(base);
      const cases: [string[], number, string][] = [
        [["kick", p.characterName], 404, "player_offline"],
        [["inspect", "NoSuchCharacter"], 404, "not_found"],
        [["give", p.characterName, "currency", "5"], 403, "forbidden"],
        [["give", p.characterName, "no-such-item"], 400, "unknown_item"],
        [["unban", p.username], 409, "not_banned"],
        [["teleport", p.characterName, "atlantis"], 404, "player_offline"],
      ];
      for (const [[command, ...args], status, code] of cases) {
        const res = await run(t2.token, command!, ...args);
        assert.equal(res.status, status, `${command}: ${JSON.stringify(res.body)}`);
        assert.equal(res.body.error.code, code, command);
      }
      const dashes = await http(base, "GET", `${A}/gm-actions/${"-".repeat(36)}`, { token: adminToken });
      assert.equal(dashes.status, 400, "M3: 36 dashes are not an id");
    });
  });

  describe("commands on live players, seen by another client", () => {
    it("teleport moves a player; reversing puts it back; a second reverse is refused", async () => {
      const g = await staff(["gm_tier2"]);
      const target = await newPlayer(base);
      const observer = await join(await newPlayer(base));
      const t = await join(target);
      await waitFor(() => seen(observer.room, target.characterName), { what: "observer sees target" });
      const start = { x: me(t.room).x, y: me(t.room).y };
      const res = await run(g.token, "teleport", target.characterName, "1540", "1260");
      assert.equal(res.status, 200, JSON.stringify(res.body));
      await waitFor(() => Math.abs(seen(observer.room, target.characterName)?.x - 1540) < 0.5, {
        what: "moved",
      });
      assert.ok(Math.abs(seen(observer.room, target.characterName).y - 1260) < 0.5);
      const rev = await http(base, "POST", `${A}/gm-actions/${res.body.actionId}/reverse`, {
        token: g.token,
      });
      assert.equal(rev.status, 200, JSON.stringify(rev.body));
      await waitFor(() => Math.abs(me(t.room).x - start.x) < 0.5 && Math.abs(me(t.room).y - start.y) < 0.5, {
        what: "back where it was",
      });
      const twice = await http(base, "POST", `${A}/gm-actions/${res.body.actionId}/reverse`, {
        token: g.token,
      });
      assert.equal(twice.status, 409);
      assert.equal(twice.body.error.code, "already_reversed");
      const action = await http(base, "GET", `${A}/gm-actions/${res.body.actionId}`, { token: adminToken });
      assert.equal(action.body.reversedBy, rev.body.actionId);
    });

    it("teleport to another district hands the player a travel reservation; summon brings it to the GM", async () => {
      const gmPlayer = await staff(["gm_tier2"]);
      const target = await newPlayer(base);
      const t = await join(target, "westview");
      const g = await join(gmPlayer, "richland");
      const travel = new Promise<any>((resolve) => t.room.onMessage("travel", resolve));
      const result = await gm(g.room, "summon", target.characterName);
      assert.equal(result.ok, true, result.message);
      const msg = await travel;
      assert.equal(msg.district, "richland");
      const arrived = await t.client.consumeSeatReservation(msg.reservation);
      arrived.onMessage("*", () => {});
      joined.splice(joined.indexOf(t), 1, { client: t.client, room: arrived });
      await t.room.leave().catch(() => {});
      await waitFor(() => me(arrived), { what: "arrived" });
      const here = me(g.room);
      assert.ok(Math.hypot(me(arrived).x - here.x, me(arrived).y - here.y) < 1, "at the GM's feet");
      await waitFor(() => seen(g.room, target.characterName), { what: "GM sees the summoned player" });
    });

    it("kick closes the target with 4110; ban closes with 4103, refuses login and join; unban restores", async () => {
      const g = await staff(["gm_tier3"]);
      const a = await newPlayer(base);
      const ja = await join(a);
      const kicked = closeCode(ja.room);
      assert.equal((await run(g.token, "kick", a.characterName, "calm down")).status, 200);
      assert.equal(await kicked, 4110);

      const b = await newPlayer(base);
      const jb = await join(b);
      const banned = closeCode(jb.room);
      const ban = await run(g.token, "ban", b.characterName, "1h", "gold", "selling");
      assert.equal(ban.status, 200, JSON.stringify(ban.body));
      assert.equal(await banned, 4103);
      const login = await http(base, "POST", "/auth/login", {
        body: { username: b.username, password: b.password },
      });
      assert.equal(login.status, 403);
      assert.equal(login.body.error.code, "account_banned");
      await assert.rejects(joinDistrict(d.server.ws, b, "richland"));
      const rev = await http(base, "POST", `${A}/gm-actions/${ban.body.actionId}/reverse`, {
        token: g.token,
      });
      assert.equal(rev.status, 200, JSON.stringify(rev.body));
      const again = await http(base, "POST", "/auth/login", {
        body: { username: b.username, password: b.password },
      });
      assert.equal(again.status, 200);
      // unban by account through the admin API
      const ban2 = await http(base, "POST", `${A}/accounts/${b.accountId}/ban`, {
        token: g.token,
        body: { reason: "again", durationSeconds: 600 },
      });
      assert.equal(ban2.status, 200, JSON.stringify(ban2.body));
      assert.equal(
        (await http(base, "POST", "/auth/login", { body: { username: b.username, password: b.password } }))
          .status,
        403,
      );
      assert.equal(
        (await http(base, "DELETE", `${A}/accounts/${b.accountId}/ban`, { token: g.token })).status,
        200,
      );
      assert.equal(
        (await http(base, "POST", "/auth/login", { body: { username: b.username, password: b.password } }))
          .status,
        200,
      );
    });

    it("mute refuses chat with the time left; others hear nothing; unmute restores", async () => {
      const g = await staff(["gm_tier1"]);
      const talker = await newPlayer(base);
      const t = await join(talker);
      const listener = await join(await newPlayer(base));
      const heard: any[] = [];
      listener.room.onMessage("chat", (m: any) => heard.push(m));
      const errors: any[] = [];
      t.room.onMessage("error", (m: any) => errors.push(m));
      await waitFor(() => seen(listener.room, talker.characterName));
      assert.equal((await run(g.token, "mute", talker.characterName, "10m", "flooding")).status, 200);
      await sleep(100);
      t.room.send("chat", { channel: "say", text: "can you hear me" });
      await waitFor(() => errors.some((e) => e.code === "muted" && /muted for (9m|10m)/.test(e.message)), {
        what: "muted error with the time left",
      });
      await sleep(200);
      assert.equal(heard.length, 0);
      assert.equal((await run(g.token, "unmute", talker.characterName)).status, 200);
      await sleep(100);
      t.room.send("chat", { channel: "say", text: "back" });
      await waitFor(() => heard.some((m) => m.text === "back"), { what: "heard after unmute" });
    });

    it("give and take go through the ledger, offline too; reversing a give takes it back", async () => {
      const g = await staff(["gm_tier3"]);
      const target = await newPlayer(base); // never joins: offline
      const give = await run(g.token, "give", target.characterName, "w-katana", "3");
      assert.equal(give.status, 200, JSON.stringify(give.body));
      const stock = async () => (await run(g.token, "inspect", target.characterName)).body.data.inventory;
      assert.deepEqual(await stock(), [{ itemId: "w-katana", quantity: 3 }]);
      const take = await run(g.token, "take", target.characterName, "w-katana", "5");
      assert.equal(take.status, 409, "cannot take more than held");
      assert.equal(
        (await http(base, "POST", `${A}/gm-actions/${give.body.actionId}/reverse`, { token: g.token }))
          .status,
        200,
      );
      assert.deepEqual(await stock(), []);
      const ledger = await queryDatabase(
        d.env.DATABASE_URL!,
        `SELECT kind, quantity FROM ledger_entries WHERE character_id = $1 ORDER BY created_at`,
        [target.characterId],
      );
      assert.deepEqual(
        ledger.map((r: any) => [r.kind, Number(r.quantity)]),
        [
          ["gm_give", 3],
          ["gm_take", -3],
        ],
      );
    });

    it("a bulk give waits for a second GM; the requester cannot approve it", async () => {
      const g1 = await staff(["gm_tier3"]);
      const g2 = await staff(["gm_tier3"]);
      const target = await newPlayer(base);
      const queued = await run(g1.token, "give", target.characterName, "w-katana", "500");
      assert.equal(queued.status, 202, JSON.stringify(queued.body));
      assert.equal(queued.body.status, "queued");
      const self = await http(base, "POST", `${A}/approvals/${queued.body.approvalId}/approve`, {
        token: g1.token,
      });
      assert.equal(self.status, 403);
      const ok = await http(base, "POST", `${A}/approvals/${queued.body.approvalId}/approve`, {
        token: g2.token,
      });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      const inv = (await run(g1.token, "inspect", target.characterName)).body.data.inventory;
      assert.deepEqual(inv, [{ itemId: "w-katana", quantity: 500 }]);
      const twice = await http(base, "POST", `${A}/approvals/${queued.body.approvalId}/approve`, {
        token: g2.token,
      });
      assert.equal(twice.status, 409);
    });

    it("setstat changes a live player (others see the level) and reverses to the old value; offline too", async () => {
      const g = await staff(["gm_tier2"]);
      const target = await newPlayer(base);
      const t = await join(target);
      const observer = await join(await newPlayer(base));
      await waitFor(() => seen(observer.room, target.characterName));
      const set = await run(g.token, "setstat", target.characterName, "level", "7");
      assert.equal(set.status, 200, JSON.stringify(set.body));
      await waitFor(() => seen(observer.room, target.characterName)?.level === 7, { what: "level 7 seen" });
      assert.ok(me(t.room).maxHp > 100);
      assert.equal(
        (await http(base, "POST", `${A}/gm-actions/${set.body.actionId}/reverse`, { token: g.token })).status,
        200,
      );
      await waitFor(() => me(t.room).level === 1, { what: "level 1 again" });

      const offline = await newPlayer(base);
      const o = await run(g.token, "setstat", offline.characterName, "vitality", "9");
      assert.equal(o.status, 200, JSON.stringify(o.body));
      assert.match(o.body.message, /offline/);
      const row = (
        await queryDatabase(d.env.DATABASE_URL!, `SELECT stats, max_hp FROM characters WHERE id = $1`, [
          offline.characterId,
        ])
      )[0] as any;
      assert.equal(row.stats.vitality, 9);
      assert.equal(row.max_hp, 100 + 9 * 20);
    });

    it("heal restores a hurt player; inspect reports position, stats, inventory and recent chat", async () => {
      const g = await staff(["gm_tier2"]);
      const target = await newPlayer(base);
      const t = await join(target);
      assert.equal((await run(g.token, "setstat", target.characterName, "hp", "10")).status, 200);
      await waitFor(() => me(t.room).hp === 10, { what: "hurt" });
      assert.equal((await run(g.token, "heal", target.characterName)).status, 200);
      await waitFor(() => me(t.room).hp === me(t.room).maxHp, { what: "healed" });
      t.room.send("chat", { channel: "say", text: "thanks, operator" });
      await sleep(200);
      const report = (await run(g.token, "inspect", target.characterName)).body.data;
      assert.equal(report.online, true);
      assert.equal(report.district, "richland");
      assert.ok(Math.abs(report.position.x - me(t.room).x) < 1);
      assert.equal(report.stats.vitality !== undefined, true);
      assert.ok(report.recentChat.some((l: any) => l.text === "thanks, operator"));
    });

    it("invisible hides the GM from other players, and only from them", async () => {
      const gp = await staff(["gm_tier2"]);
      const g = await join(gp);
      const other = await join(await newPlayer(base));
      await waitFor(() => seen(other.room, gp.characterName), { what: "GM visible" });
      const on = await gm(g.room, "invisible", "on");
      assert.equal(on.ok, true, on.message);
      await waitFor(() => !seen(other.room, gp.characterName), { what: "GM gone from the other's state" });
      assert.ok(me(g.room), "the GM still sees itself");
      await sleep(500);
      assert.equal(seen(other.room, gp.characterName), undefined, "stays hidden");
      assert.equal((await gm(g.room, "invisible", "off")).ok, true);
      await waitFor(() => seen(other.room, gp.characterName), { what: "GM visible again" });
    });

    it("spawn puts NPCs of a template where the GM stands; despawn removes them", async () => {
      const gp = await staff(["gm_tier2"]);
      const g = await join(gp);
      const other = await join(await newPlayer(base));
      const result = await gm(g.room, "spawn", "wv-drifter", "2");
      assert.equal(result.ok, true, result.message);
      const ids: string[] = result.data.npcIds;
      assert.equal(ids.length, 2);
      await waitFor(() => ids.every((id) => other.room.state.npcs.get(id)?.template === "wv-drifter"), {
        what: "the other player sees the spawned NPCs",
      });
      const n = other.room.state.npcs.get(ids[0]);
      assert.ok(Math.hypot(n.x - me(g.room).x, n.y - me(g.room).y) < 10);
      const gone = await gm(g.room, "despawn", ...ids);
      assert.equal(gone.ok, true, gone.message);
      await waitFor(() => ids.every((id) => !other.room.state.npcs.get(id)), { what: "despawned" });
      const unknown = await gm(g.room, "spawn", "no-such-npc");
      assert.equal(unknown.ok, false);
      assert.match(unknown.message, /Unknown NPC template/);
    });

    it("streams server figures once a second to GMs who subscribe, and refuses players", async () => {
      const g = await join(await staff(["gm_tier1"]));
      const p = await join(await newPlayer(base));
      const figures: any[] = [];
      g.room.onMessage("gm:metrics", (m: any) => figures.push(m));
      const errors: any[] = [];
      p.room.onMessage("error", (m: any) => errors.push(m));
      let leaked = 0;
      p.room.onMessage("gm:metrics", () => leaked++);
      g.room.send("gm:metrics", { on: true });
      p.room.send("gm:metrics", { on: true });
      await waitFor(() => figures.length >= 2, { timeoutMs: 4000, what: "two metrics messages" });
      const last = figures.at(-1);
      assert.equal(last.district, "richland");
      assert.ok(last.players >= 2);
      assert.ok(last.ticks >= 10 && last.tickMeanMs >= 0 && last.rssMb > 0);
      await waitFor(() => errors.some((e) => e.code === "forbidden"), { what: "player refused" });
      g.room.send("gm:metrics", { on: false });
      await sleep(1500);
      const count = figures.length;
      await sleep(1200);
      assert.equal(figures.length, count, "stops after unsubscribing");
      assert.equal(leaked, 0);
    });

    it("bad arguments get the usage; unknown commands are refused", async () => {
      const g = await staff(["gm_tier3"]);
      const bad = await run(g.token, "teleport", "Someone", "12", "north");
      assert.equal(bad.status, 400);
      assert.match(bad.body.error.message, /Usage: teleport/);
      const unknown = await run(g.token, "fly", "x");
      assert.equal(unknown.status, 400);
      assert.equal(unknown.body.error.code, "unknown_command");
      const nobody = await run(g.token, "kick", "NobodyHere");
      assert.equal(nobody.status, 404);
      assert.equal(nobody.body.error.code, "not_found");
      const offline = await run(g.token, "kick", (await newPlayer(base)).characterName);
      assert.equal(offline.status, 404);
      assert.equal(offline.body.error.code, "player_offline");
    });
  });

  describe("audit log", () => {
    it("verifies; editing a row in the database breaks verification at that row", async () => {
      const g = await staff(["gm_tier3"]);
      const target = await newPlayer(base);
      await run(g.token, "give", target.characterName, "w-katana", "1");
      await run(g.token, "announce", "chain", "test");
      const ok = await http(base, "GET", `${A}/audit-logs/verify`, { token: adminToken });
      assert.equal(ok.status, 200);
      assert.equal(ok.body.ok, true);
      assert.ok(ok.body.records > 3);
      const victim = (await audit(`actor=${g.username}&action=command.give`))[0];
      await queryDatabase(
        d.env.DATABASE_URL!,
        `UPDATE audit_log SET args = '["someone","w-katana","999"]' WHERE seq = $1`,
        [victim.seq],
      );
      const broken = await http(base, "GET", `${A}/audit-logs/verify`, { token: adminToken });
      assert.equal(broken.body.ok, false);
      assert.equal(broken.body.brokenAt.seq, victim.seq);
      assert.match(broken.body.brokenAt.reason, /edited/);
      // Put it back: the chain holds again.
      await queryDatabase(d.env.DATABASE_URL!, `UPDATE audit_log SET args = $2 WHERE seq = $1`, [
        victim.seq,
        JSON.stringify(victim.args),
      ]);
      assert.equal((await http(base, "GET", `${A}/audit-logs/verify`, { token: adminToken })).body.ok, true);
    });

    it("filters by actor, action and target, newest first, with paging", async () => {
      const g = await staff(["gm_tier3"]);
      const target = await newPlayer(base);
      for (let i = 0; i < 3; i++) await run(g.token, "give", target.characterName, "w-katana", "1");
      const page1 = await http(
        base,
        "GET",
        `${A}/audit-logs?actor=${g.username}&action=command.give&limit=2`,
        {
          token: adminToken,
        },
      );
      assert.equal(page1.body.records.length, 2);
      assert.ok(page1.body.records[0].seq > page1.body.records[1].seq);
      const page2 = await http(
        base,
        "GET",
        `${A}/audit-logs?actor=${g.username}&action=command.give&limit=2&before=${page1.body.next}`,
        { token: adminToken },
      );
      assert.equal(page2.body.records.length, 1);
      assert.equal(page2.body.next, null);
      const byTarget = await audit(`target=${target.characterName}`);
      assert.equal(byTarget.length, 3);
      assert.equal((await http(base, "GET", `${A}/audit-logs`, { token: g.token })).status, 403);
    });
  });

  describe("admin HTTP surface", () => {
    it("serves an OpenAPI document that lists the routes, each of which answers", async () => {
      const doc = await http(base, "GET", "/api/v1/openapi.json");
      assert.equal(doc.status, 200);
      assert.equal(doc.body.openapi, "3.1.0");
      const expected = [
        "get /health",
        "post /auth/login",
        "post /auth/totp/enroll",
        "get /api/v1/admin/districts",
        "get /api/v1/admin/players",
        "post /api/v1/admin/commands",
        "get /api/v1/admin/audit-logs",
        "post /api/v1/admin/gm-actions/{id}/reverse",
        "post /api/v1/admin/gm-actions/{id}/replay",
        "put /api/v1/admin/accounts/{id}/roles",
        "post /api/v1/admin/accounts/{id}/ban",
        "delete /api/v1/admin/accounts/{id}/ban",
        "post /api/v1/admin/escalations",
        "delete /api/v1/admin/escalations/mine",
        "get /api/v1/admin/content",
        "post /api/v1/admin/content/revisions",
        "post /api/v1/admin/content/revisions/{rev}/deploy",
        "post /api/v1/admin/content/rollback",
        "post /api/v1/admin/drain",
      ];
      const listed = Object.entries(doc.body.paths).flatMap(([p, ops]: [string, any]) =>
        Object.keys(ops).map((m) => `${m} ${p}`),
      );
      for (const e of expected) assert.ok(listed.includes(e), `documented: ${e}`);
      // Every documented route exists: called without credentials it answers, never 404.
      for (const entry of listed) {
        const [method, path] = entry.split(" ");
        // Matchmaking (Colyseus's router) and the web assets answer in their own ways: api-document.test.ts.
        if (path === "/api/v1/admin/drain" || path!.startsWith("/matchmake/") || path!.startsWith("/web/"))
          continue;
        const concrete = path!.replace("{id}", "00000000-0000-0000-0000-000000000000").replace("{rev}", "1");
        const res = await http(base, method!.toUpperCase(), concrete);
        assert.notEqual(res.status, 404, `${entry} answered 404`);
        if (doc.body.paths[path!][method!].security.length > 0) {
          assert.equal(res.status, 401, `${entry} needs a token`);
        }
      }
      assert.equal((await http(base, "GET", "/api/v1/admin/nothing-here")).status, 404);
    });

    it("names every request (X-Request-Id) and repeats it in error bodies", async () => {
      const res = await http(base, "GET", `${A}/districts`, {
        headers: { "x-request-id": "test-req-12345" },
      });
      assert.equal(res.status, 401);
      assert.equal(res.headers.get("x-request-id"), "test-req-12345");
      assert.equal(res.body.error.requestId, "test-req-12345");
      const fresh = await http(base, "GET", "/health");
      assert.match(fresh.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
    });

    it("TOTP: enrol, confirm, then logins need a current code", async () => {
      const p = await newPlayer(base);
      await setRoles(p, ["moderator"]);
      const enroll = await http(base, "POST", "/auth/totp/enroll", {
        token: p.token,
        body: { password: p.password },
      });
      assert.equal(enroll.status, 200);
      assert.match(enroll.body.otpauthUrl, /^otpauth:\/\/totp\//);
      const totp = new TOTP({ secret: Secret.fromBase32(enroll.body.secret), digits: 6, period: 30 });
      assert.equal(
        (await http(base, "POST", "/auth/totp/verify", { token: p.token, body: { code: "000000" } })).status,
        400,
      );
      const ok = await http(base, "POST", "/auth/totp/verify", {
        token: p.token,
        body: { code: totp.generate() },
      });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      const creds = { username: p.username, password: p.password };
      const without = await http(base, "POST", "/auth/login", { body: creds });
      assert.equal(without.status, 401);
      assert.equal(without.body.error.code, "totp_required");
      assert.equal(
        (await http(base, "POST", "/auth/login", { body: { ...creds, totp: "123456" } })).status,
        401,
      );
      // Each code logs in once and the verify used this step's: the next step's code is still in the window.
      const next = totp.generate({ timestamp: Date.now() + 30_000 });
      const withCode = await http(base, "POST", "/auth/login", { body: { ...creds, totp: next } });
      assert.equal(withCode.status, 200, JSON.stringify(withCode.body));
    });
  });

  describe("content deploy", () => {
    it("changes a live NPC in a running room, lists the revision per room, refuses a broken pack, rolls back", async () => {
      const g = await staff(["gm_tier3"]);
      const watcher = await join(await newPlayer(base));
      const lookout = () =>
        [...watcher.room.state.npcs.values()].find((n: any) => n.template === "rl-la-lookout") as any;
      await waitFor(lookout, { what: "a lookout in view" });
      const original = lookout().name;
      const pack = (await import("../../src/mxo/content/loadContentPack.js")).readContentPackFiles("content")
        .raw as any;
      const npcs = pack.npcs.map((n: any) =>
        n.id === "rl-la-lookout" ? { ...n, name: "Lost Angel Sentry" } : n,
      );
      const stored = await http(base, "POST", `${A}/content/revisions`, {
        token: g.token,
        body: { pack: { ...pack, npcs }, note: "rename lookouts" },
      });
      assert.equal(stored.status, 201, JSON.stringify(stored.body).slice(0, 500));
      const broken = await http(base, "POST", `${A}/content/revisions`, {
        token: g.token,
        body: { pack: { ...pack, npcs: [...npcs, { id: "bad", maxHp: -5 }] } },
      });
      assert.equal(broken.status, 400);
      assert.equal(broken.body.error.code, "invalid_content");
      assert.ok(broken.body.error.details.issues.length >= 2, "every issue listed");
      const deployed = await http(base, "POST", `${A}/content/revisions/${stored.body.revision}/deploy`, {
        token: g.token,
      });
      assert.equal(deployed.status, 200, JSON.stringify(deployed.body));
      await waitFor(() => lookout()?.name === "Lost Angel Sentry", { what: "renamed in the running room" });
      const rooms = (await http(base, "GET", `${A}/districts`, { token: adminToken })).body as any[];
      const mine = rooms.find((r) => r.roomId === watcher.room.roomId);
      await waitFor(
        async () =>
          ((await http(base, "GET", `${A}/districts`, { token: adminToken })).body as any[]).find(
            (r) => r.roomId === watcher.room.roomId,
          )?.contentRevision === stored.body.revision,
        { what: "room reports the revision" },
      );
      assert.ok(mine);
      // A second revision, then roll back to the first.
      const second = await http(base, "POST", `${A}/content/revisions`, { token: g.token, body: { pack } });
      await http(base, "POST", `${A}/content/revisions/${second.body.revision}/deploy`, { token: g.token });
      await waitFor(() => lookout()?.name === original, { what: "second revision" });
      const back = await http(base, "POST", `${A}/content/rollback`, { token: g.token });
      assert.equal(back.status, 200, JSON.stringify(back.body));
      assert.equal(back.body.revision, stored.body.revision);
      await waitFor(() => lookout()?.name === "Lost Angel Sentry", { what: "rolled back" });
      const body = await http(base, "GET", `${A}/content/revisions/${stored.body.revision}`, {
        token: g.token,
      });
      assert.equal(body.status, 200);
      assert.equal(body.body.pack.npcs.find((n: any) => n.id === "rl-la-lookout").name, "Lost Angel Sentry");
      assert.equal((await http(base, "GET", `${A}/content/revisions/99999`, { token: g.token })).status, 404);
      const overview = await http(base, "GET", `${A}/content`, { token: g.token });
      assert.equal(overview.body.running.revision, stored.body.revision);
    });
  });
});
