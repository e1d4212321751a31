import assert from "node:assert/strict";
import type { Room } from "@colyseus/sdk";
import { readContentPackFiles } from "../../src/mxo/content/loadContentPack.js";
import {
  http,
  joinDistrict,
  me,
  newPlayer,
  sleep,
  uniqueName,
  waitFor,
  type TestPlayer,
} from "../helpers/api.js";
import { queryDatabase } from "../helpers/postgres.js";
import { figure } from "../helpers/figures.js";
import { deploy, type TestDeployment } from "../helpers/servers.js";

/**
 * Issue 13 point 3: every role × every privileged action against a real
 * server, with the expected answer worked out here, independently of the
 * server's code, from contract §4 and the rules below; and every refused
 * call found in the audit log.
 *
 * The rules under test: nobody acts on an account ranked at or above their
 * own (ranks below, lowest first); nobody grants or removes what they do not
 * wholly hold; escalation needs a second person holding the tier; a GM's give,
 * setstat or heal on its own character waits for approval, and ban, mute,
 * kick of oneself are refused.
 */

const RANK = [
  "player",
  "analyst",
  "support",
  "moderator",
  "gm_tier1",
  "gm_tier2",
  "gm_tier3",
  "admin",
  "super_admin",
] as const;
type Role = (typeof RANK)[number];
const ROLES = [...RANK].reverse();

/** Contract §4, as the migration grants it (checked against the server's table below). */
const GRANTS: Record<Role, string[]> = {
  super_admin: ["*"],
  admin: ["admin.*", "gm.*", "server.*", "economy.*", "analytics.*"],
  moderator: ["gm.command.kick", "gm.command.mute", "gm.command.unmute", "gm.view.*"],
  support: ["gm.view.*", "gm.command.inspect"],
  analyst: ["gm.view.*", "analytics.*"],
  gm_tier1: [
    "gm.command.kick",
    "gm.command.mute",
    "gm.command.unmute",
    "gm.command.teleport.self",
    "gm.command.inspect",
    "gm.view.*",
  ],
  gm_tier2: ["gm.command.*", "gm.view.*", "gm.stats.*"],
  gm_tier3: ["gm.*", "server.drain", "server.restart", "economy.*"],
  player: [],
};

const covers = (grant: string, p: string) =>
  grant === "*" || grant === p || (grant.endsWith(".*") && p.startsWith(grant.slice(0, -1)));
const may = (role: Role, ...perms: string[]) => perms.every((p) => GRANTS[role].some((g) => covers(g, p)));
const rank = (role: Role) => RANK.indexOf(role);
/** Holds every permission a role carries, and outranks it. */
const mayGrantRole = (actor: Role, role: Role) =>
  may(actor, "admin.roles") && rank(role) < rank(actor) && GRANTS[role].every((p) => may(actor, p));

type Expect = "allow" | "queue" | "forbidden" | "outranked" | "self";

/** Expected verdict for a command on a character whose account has role `target` (or is the actor's own). */
function commandVerdict(actor: Role, perm: string, target: Role | "self", onSelf: Expect = "self"): Expect {
  if (!may(actor, perm)) return "forbidden";
  if (target === "self") return onSelf;
  return rank(target) < rank(actor) ? "allow" : "outranked";
}

interface Answer {
  status: number;
  code?: string | undefined;
}

/** How an answer reads: statuses that mean "the rules let it through" include a target being offline. */
function verdictOf(a: Answer): Expect | "error" {
  if (a.status === 202) return "queue";
  if (a.status === 403)
    return a.code === "outranked" ? "outranked" : a.code === "self" ? "self" : "forbidden";
  if (a.status >= 200 && a.status < 300) return "allow";
  // Passed every rule, then met the state of things (offline, not banned, holds none…).
  if (a.status === 404 || a.status === 409) return "allow";
  return "error";
}

const A = "/api/v1/admin";
const ADMIN = { username: "matrix_admin", password: "matrix admin password" };

describe("staff privileges: every role × every privileged action", function () {
  this.timeout(240_000);
  let d: TestDeployment;
  let base: string;
  let boss: string;
  const rooms: Room<any>[] = [];

  /** Every call an actor makes, counted so the audit log can be checked against it. */
  const refusedBy = new Map<string, number>();
  const cells: { role: Role; action: string; expected: Expect; got: Expect | "error"; detail: string }[] = [];

  const tally = (who: TestPlayer, method: string, status: number) => {
    const audited = method === "GET" ? status === 403 : status >= 400 && status !== 401;
    if (audited) refusedBy.set(who.username, (refusedBy.get(who.username) ?? 0) + 1);
  };
  const call = async (
    who: TestPlayer,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<Answer & { body: any }> => {
    const res = await http(base, method, path, { token: who.token, ...(body !== undefined ? { body } : {}) });
    tally(who, method, res.status);
    return { status: res.status, code: res.body?.error?.code, body: res.body };
  };
  const command = (who: TestPlayer, name: string, ...args: string[]) =>
    call(who, "POST", `${A}/commands`, { command: name, args });
  const cell = (role: Role, action: string, expected: Expect, answer: Answer & { body?: any }) =>
    cells.push({
      role,
      action,
      expected,
      got: verdictOf(answer),
      detail: `${answer.status} ${JSON.stringify(answer.body ?? answer).slice(0, 200)}`,
    });

  /** The in-game `gm` message, answered by `gm:result`. */
  const inGame = (who: TestPlayer, room: Room<any>, name: string, ...args: string[]) =>
    new Promise<Answer & { body: any }>((resolve) => {
      const off = room.onMessage("gm:result", (m: any) => {
        off();
        const status = m.ok ? (m.status === "queued" ? 202 : 200) : m.httpStatus;
        tally(who, "POST", status);
        resolve({ status, code: m.code, body: m });
      });
      room.send("gm", { command: name, args });
    });

  const setRoles = async (accountId: string, roles: string[]) => {
    const res = await http(base, "PUT", `${A}/accounts/${accountId}/roles`, { token: boss, body: { roles } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  };
  /** No one may grant super_admin through the API (that is one of the rules): the operator's database does. */
  const makeSuperAdmin = (accountId: string) =>
    queryDatabase(d.env.DATABASE_URL!, `UPDATE accounts SET roles = '{super_admin}' WHERE id = $1`, [
      accountId,
    ]);
  const withRole = async (role: Role, player?: TestPlayer) => {
    const p = player ?? (await newPlayer(base));
    if (role === "super_admin") await makeSuperAdmin(p.accountId);
    else if (role !== "player") await setRoles(p.accountId, [role]);
    return p;
  };
  const newAccount = async () => {
    const username = uniqueName("x");
    const reg = await http(base, "POST", "/auth/register", {
      body: { username, password: "matrix password 1" },
    });
    assert.equal(reg.status, 201);
    return { accountId: reg.body.accountId as string, username };
  };
  const inBatches = async <T, R>(items: T[], size: number, fn: (t: T) => Promise<R>) => {
    const out: R[] = [];
    for (let i = 0; i < items.length; i += size)
      out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
    return out;
  };
  const join = async (p: TestPlayer) => {
    const { room } = await joinDistrict(d.server.ws, p, "richland");
    room.onMessage("*", () => {});
    rooms.push(room);
    await waitFor(() => me(room), { what: `${p.username} in game` });
    return room;
  };

  before(async () => {
    d = await deploy("postgres", {
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      GM_BULK_GIVE_THRESHOLD: "1000",
      MAX_MESSAGES_PER_SECOND: "200",
    });
    base = d.server.http;
    boss = (await http(base, "POST", "/auth/login", { body: ADMIN })).body.token;
  });
  after(async () => {
    for (const r of rooms) await Promise.race([r.leave().catch(() => {}), sleep(500)]);
    await d?.cleanup();
  });

  it("the rank order follows the permissions each role carries, as the server stores them", async () => {
    const rows = await queryDatabase<{ role: string; permission: string }>(
      d.env.DATABASE_URL!,
      `SELECT role, permission FROM role_permissions ORDER BY role, permission`,
    );
    for (const role of RANK) {
      assert.deepEqual(
        rows.filter((r) => r.role === role).map((r) => r.permission),
        [...GRANTS[role]].sort(),
        `${role}'s grants`,
      );
    }
    // Along each line of the order a role holds all of the one below it.
    for (const [low, high] of [
      ["moderator", "gm_tier1"],
      ["support", "gm_tier1"],
      ["gm_tier1", "gm_tier2"],
      ["gm_tier2", "gm_tier3"],
      ["gm_tier3", "admin"],
      ["analyst", "admin"],
      ["admin", "super_admin"],
    ] as [Role, Role][]) {
      assert.ok(rank(low) < rank(high));
      for (const p of GRANTS[low]) assert.ok(may(high, p), `${high} holds ${low}'s ${p}`);
    }
  });

  it("walks the matrix: allowed and refused per the rules, every refusal audited", async function () {
    const t0 = Date.now();
    // One actor per role, one offline target character per role, one online victim per actor.
    const actors = new Map<Role, TestPlayer>();
    const targets = new Map<Role, TestPlayer>();
    const victims = new Map<Role, TestPlayer>();
    const actorRooms = new Map<Role, Room<any>>();
    await inBatches(ROLES, 9, async (role) => {
      actors.set(role, await withRole(role));
      targets.set(role, await withRole(role));
      victims.set(role, await newPlayer(base));
      await join(victims.get(role)!);
      actorRooms.set(role, await join(actors.get(role)!));
    });
    const pack = readContentPackFiles("content").raw;

    // Per actor, in parallel with the others.
    await Promise.all(
      ROLES.map(async (role) => {
        const a = actors.get(role)!;
        const room = actorRooms.get(role)!;
        const v = victims.get(role)!.characterName;
        const vAccount = victims.get(role)!.username;
        const own = a.characterName;

        // A: each GM command on a player's character (online), in an order that keeps it online for those that need it.
        const onPlayer: [string, string, string[]][] = [
          ["inspect", "gm.command.inspect", [v]],
          ["teleport", "gm.command.teleport", [v, "richland"]],
          ["heal", "gm.command.heal", [v]],
          ["setstat", "gm.command.setstat", [v, "level", "2"]],
          ["give", "gm.command.give", [v, "w-katana", "1"]],
          ["give", "gm.command.give economy.currency", [v, "currency", "5"]],
          ["take", "gm.command.take", [v, "w-katana", "1"]],
          ["mute", "gm.command.mute", [v, "1m", "matrix"]],
          ["unmute", "gm.command.unmute", [v]],
        ];
        for (const [name, perms, args] of onPlayer) {
          const expected = may(role, ...perms.split(" ")) ? "allow" : "forbidden";
          const res = await command(a, name, ...args);
          cell(role, `${name} <player> ${args.slice(1).join(" ")}`, expected, res);
          if (expected === "allow")
            assert.ok(res.status === 200, `${role} ${name}: ${res.status} ${JSON.stringify(res.body)}`);
        }
        // In game: the commands that act where the GM stands.
        const spawned = await inGame(a, room, "spawn", "wv-drifter", "1");
        cell(role, "spawn (in game)", may(role, "gm.command.spawn") ? "allow" : "forbidden", spawned);
        const npc = spawned.body.data?.npcIds?.[0] ?? "npc-x";
        cell(
          role,
          "despawn (in game)",
          may(role, "gm.command.despawn") ? "allow" : "forbidden",
          await inGame(a, room, "despawn", npc),
        );
        cell(
          role,
          "summon <player> (in game)",
          may(role, "gm.command.summon") ? "allow" : "forbidden",
          await inGame(a, room, "summon", v),
        );
        cell(
          role,
          "invisible on (in game)",
          may(role, "gm.command.invisible") ? "allow" : "forbidden",
          await inGame(a, room, "invisible", "on"),
        );
        await inGame(a, room, "invisible", "off");
        cell(
          role,
          "teleport self (in game)",
          may(role, "gm.command.teleport.self") || may(role, "gm.command.teleport") ? "allow" : "forbidden",
          await inGame(a, room, "teleport", own, "richland"),
        );
        const kicked = await command(a, "kick", v, "matrix");
        cell(role, "kick <player>", may(role, "gm.command.kick") ? "allow" : "forbidden", kicked);
        cell(
          role,
          "ban <player>",
          may(role, "gm.command.ban") ? "allow" : "forbidden",
          await command(a, "ban", v, "1m", "matrix"),
        );
        cell(
          role,
          "unban <account>",
          may(role, "gm.command.unban") ? "allow" : "forbidden",
          await command(a, "unban", vAccount),
        );
        cell(
          role,
          "announce",
          may(role, "gm.command.announce") ? "allow" : "forbidden",
          await command(a, "announce", "matrix"),
        );

        // Self: on the actor's own character.
        const selfCases: [string, string, string[], Expect][] = [
          ["give", "gm.command.give", [own, "w-katana", "1"], "queue"],
          ["setstat", "gm.command.setstat", [own, "level", "3"], "queue"],
          ["heal", "gm.command.heal", [own], "queue"],
          ["inspect", "gm.command.inspect", [own], "allow"],
          ["take", "gm.command.take", [own, "w-katana", "1"], "allow"],
          ["ban", "gm.command.ban", [own, "1m", "x"], "self"],
          ["mute", "gm.command.mute", [own, "1m"], "self"],
          ["unmute", "gm.command.unmute", [own], "self"],
          ["kick", "gm.command.kick", [own], "self"],
        ];
        for (const [name, perm, args, onSelf] of selfCases) {
          cell(
            role,
            `${name} self`,
            commandVerdict(role, perm, "self", onSelf),
            await command(a, name, ...args),
          );
        }

        // B: the rank rule, on a character of every role.
        const ranked: [string, string, (t: string, acc: string) => string[]][] = [
          ["ban", "gm.command.ban", (t) => [t, "1m", "matrix"]],
          ["unban", "gm.command.unban", (_t, acc) => [acc]],
          ["mute", "gm.command.mute", (t) => [t, "1m"]],
          ["unmute", "gm.command.unmute", (t) => [t]],
          ["kick", "gm.command.kick", (t) => [t]],
          ["setstat", "gm.command.setstat", (t) => [t, "level", "2"]],
          ["give", "gm.command.give", (t) => [t, "w-katana", "1"]],
          ["take", "gm.command.take", (t) => [t, "w-katana", "1"]],
          ["heal", "gm.command.heal", (t) => [t]],
          ["teleport", "gm.command.teleport", (t) => [t, "richland"]],
          ["inspect", "gm.command.inspect", (t) => [t]],
        ];
        await Promise.all(
          ROLES.map(async (targetRole) => {
            const t = targets.get(targetRole)!;
            for (const [name, perm, args] of ranked) {
              const res = await command(a, name, ...args(t.characterName, t.username));
              cell(role, `${name} <${targetRole}>`, commandVerdict(role, perm, targetRole), res);
            }
          }),
        );

        // C: the admin API.
        const fresh = async () => (await newAccount()).accountId;
        const roleCases: [string, Role[]][] = [
          ["gm_tier1", ["gm_tier1"]],
          ["admin", ["admin"]],
          ["super_admin", ["super_admin"]],
        ];
        for (const [label, roles] of roleCases) {
          const res = await call(a, "PUT", `${A}/accounts/${await fresh()}/roles`, { roles });
          cell(
            role,
            `roles PUT → ${label}`,
            roles.every((r) => mayGrantRole(role, r)) ? "allow" : "forbidden",
            res,
          );
        }
        const anAdmin = await fresh();
        await setRoles(anAdmin, ["admin"]);
        const demote = await call(a, "PUT", `${A}/accounts/${anAdmin}/roles`, { roles: ["player"] });
        cell(
          role,
          "roles PUT: demote an admin",
          may(role, "admin.roles") && rank("admin") < rank(role) ? "allow" : "forbidden",
          demote,
        );
        const kickGrant = await call(a, "PUT", `${A}/accounts/${await fresh()}/permissions`, {
          grant: ["gm.command.kick"],
        });
        cell(
          role,
          "overrides PUT grant gm.command.kick",
          may(role, "admin.roles", "gm.command.kick") ? "allow" : "forbidden",
          kickGrant,
        );
        const starGrant = await call(a, "PUT", `${A}/accounts/${await fresh()}/permissions`, {
          grant: ["*"],
        });
        cell(
          role,
          "overrides PUT grant *",
          may(role, "admin.roles") && GRANTS[role].includes("*") ? "allow" : "forbidden",
          starGrant,
        );
        const selfStar = await call(a, "PUT", `${A}/accounts/${a.accountId}/permissions`, { grant: ["*"] });
        cell(role, "overrides PUT self grant * (C2)", "forbidden", selfStar);

        const banned = await newPlayer(base);
        const ban = await call(a, "POST", `${A}/accounts/${banned.accountId}/ban`, {
          reason: "matrix",
          durationSeconds: 60,
        });
        cell(role, "bans POST", may(role, "gm.command.ban") ? "allow" : "forbidden", ban);
        cell(
          role,
          "bans DELETE",
          may(role, "gm.command.unban") ? "allow" : "forbidden",
          await call(a, "DELETE", `${A}/accounts/${banned.accountId}/ban`),
        );

        const asked = await call(a, "POST", `${A}/escalations`, { reason: "matrix night" });
        cell(
          role,
          "escalation request",
          role === "gm_tier1" || role === "gm_tier2" ? "queue" : "forbidden",
          asked,
        );
        if (asked.status === 202) await call(a, "DELETE", `${A}/escalations/mine`);

        const p = await newPlayer(base);
        const given = await http(base, "POST", `${A}/commands`, {
          token: boss,
          body: { command: "give", args: [p.characterName, "w-katana", "1"] },
        });
        assert.equal(given.status, 200);
        const reverse = await call(a, "POST", `${A}/gm-actions/${given.body.actionId}/reverse`);
        cell(
          role,
          "reverse",
          may(role, "gm.command.reverse", "gm.command.take") ? "allow" : "forbidden",
          reverse,
        );
        const replay = await call(a, "POST", `${A}/gm-actions/${given.body.actionId}/replay`);
        cell(
          role,
          "replay",
          may(role, "gm.command.replay", "gm.command.give") ? "allow" : "forbidden",
          replay,
        );
        const bulk = await http(base, "POST", `${A}/commands`, {
          token: boss,
          body: { command: "give", args: [p.characterName, "w-katana", "2000"] },
        });
        assert.equal(bulk.status, 202);
        const approve = await call(a, "POST", `${A}/approvals/${bulk.body.approvalId}/approve`);
        cell(
          role,
          "approve a queued give",
          may(role, "gm.approve", "gm.command.give") ? "allow" : "forbidden",
          approve,
        );

        const contentOk = may(role, "gm.content.deploy") ? "allow" : "forbidden";
        const stored = await call(a, "POST", `${A}/content/revisions`, { pack, note: `matrix ${role}` });
        cell(role, "content store", contentOk, stored);
        const rev = stored.body?.revision ?? 1;
        cell(
          role,
          "content deploy",
          contentOk,
          await call(a, "POST", `${A}/content/revisions/${rev}/deploy`),
        );
        cell(role, "content rollback", contentOk, await call(a, "POST", `${A}/content/rollback`));

        for (const [path, perm] of [
          ["/audit-logs?limit=1", "admin.audit.view"],
          ["/audit-logs/verify", "admin.audit.view"],
          ["/districts", "gm.view.districts"],
          ["/players", "gm.view.players"],
          ["/approvals", "gm.approve"],
          ["/escalations", "gm.approve"],
          ["/analytics/districts", "analytics.view"],
        ]) {
          cell(
            role,
            `GET ${path}`,
            may(role, perm!) ? "allow" : "forbidden",
            await call(a, "GET", `${A}${path}`),
          );
        }
      }),
    );

    // Escalation approval, one request at a time: who may approve a tier-1 GM's request for tier 2.
    const requester = await withRole("gm_tier1");
    for (const role of ROLES) {
      const a = actors.get(role)!;
      const asked = await http(base, "POST", `${A}/escalations`, {
        token: requester.token,
        body: { reason: "matrix" },
      });
      assert.equal(asked.status, 202, JSON.stringify(asked.body));
      const expected =
        may(role, "gm.approve") &&
        rank(role) >= rank("gm_tier2") &&
        GRANTS.gm_tier2.every((p) => may(role, p))
          ? "allow"
          : "forbidden";
      cell(
        role,
        "approve an escalation to gm_tier2",
        expected,
        await call(a, "POST", `${A}/escalations/${asked.body.id}/approve`),
      );
      assert.equal(
        (await http(base, "DELETE", `${A}/escalations/mine`, { token: requester.token })).status,
        204,
      );
    }

    // Drain last: it closes every client.
    for (const role of [...ROLES].sort(
      (x, y) => Number(may(x, "server.drain")) - Number(may(y, "server.drain")),
    )) {
      cell(
        role,
        "drain",
        may(role, "server.drain") ? "allow" : "forbidden",
        await call(actors.get(role)!, "POST", `${A}/drain`),
      );
    }

    const wrong = cells.filter((c) => c.got !== c.expected);
    assert.deepEqual(
      wrong.map((c) => `${c.role} / ${c.action}: expected ${c.expected}, got ${c.got} (${c.detail})`),
      [],
    );
    const ms = Date.now() - t0;
    const refusedCells = cells.filter((c) => c.expected !== "allow" && c.expected !== "queue").length;
    figure(
      this,
      `${cells.length} cells (${ROLES.length} roles × ${cells.length / ROLES.length} actions), ${refusedCells} refused, in ${ms} ms`,
    );

    // Every refused call is in the audit log: a record of its own, or counted in a coalesced one.
    const audited = async (username: string) => {
      let n = 0;
      let before: number | null | undefined;
      do {
        const page = await http(
          base,
          "GET",
          `${A}/audit-logs?actor=${username}&limit=500${before ? `&before=${before}` : ""}`,
          {
            token: boss,
          },
        );
        for (const r of page.body.records as any[]) {
          if (r.result === "refused") n += r.action === "audit.refusals" ? Number(r.newValue.count) : 1;
        }
        before = page.body.next;
      } while (before);
      return n;
    };
    await waitFor(
      async () => {
        for (const role of ROLES) {
          const a = actors.get(role)!;
          if ((await audited(a.username)) !== (refusedBy.get(a.username) ?? 0)) return false;
        }
        return true;
      },
      { timeoutMs: 30_000, intervalMs: 1000, what: "every refused call audited" },
    ).catch(async (err) => {
      for (const role of ROLES) {
        const a = actors.get(role)!;
        console.log(
          `      ${role}: refused ${refusedBy.get(a.username) ?? 0}, audited ${await audited(a.username)}`,
        );
      }
      throw err;
    });
    const verify = await http(base, "GET", `${A}/audit-logs/verify`, { token: boss });
    assert.equal(verify.body.ok, true, "the chain holds");
  });
});
