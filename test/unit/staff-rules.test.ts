import assert from "node:assert/strict";
import { hasUnstorable, storableText } from "../../src/framework/audit/AuditLog.js";
import { COALESCED_ACTION, RefusalCoalescer } from "../../src/framework/audit/RefusalCoalescer.js";
import type { AuditEntry } from "../../src/framework/audit/AuditLog.js";
import {
  escalationApprovalRefusal,
  holdsAll,
  outranks,
  overlaps,
  overrideChangeRefusal,
  rankOf,
  RANK_ORDER,
  ROLES,
  roleChangeRefusal,
  type Ranked,
} from "../../src/framework/auth/permissions.js";

const GRANTS: Record<string, string[]> = {
  super_admin: ["*"],
  admin: ["admin.*", "gm.*", "server.*", "economy.*", "analytics.*"],
  gm_tier3: ["gm.*", "server.drain", "server.restart", "economy.*"],
  gm_tier2: ["gm.command.*", "gm.view.*", "gm.stats.*"],
  gm_tier1: ["gm.command.kick", "gm.command.mute", "gm.command.inspect", "gm.view.*"],
  analyst: ["gm.view.*", "analytics.*"],
};
const grantsOf = (role: string) => GRANTS[role] ?? [];

function account(
  name: string,
  roles: string[],
  extra: { grants?: string[]; denies?: string[] } = {},
): Ranked {
  return {
    accountId: name,
    username: name,
    roles,
    permissions: {
      grants: [...roles.flatMap(grantsOf), ...(extra.grants ?? [])],
      denies: extra.denies ?? [],
    },
  };
}

describe("staff rules", () => {
  it("one total order of every role, player lowest, super_admin highest", () => {
    assert.deepEqual([...RANK_ORDER].sort(), [...ROLES].sort());
    assert.equal(rankOf([]), 0);
    assert.equal(rankOf(["player"]), 0);
    assert.ok(rankOf(["gm_tier1", "analyst"]) > rankOf(["moderator"]));
    assert.ok(rankOf(["super_admin"]) > rankOf(["admin", "gm_tier3"]));
  });

  it("holding a pattern means one grant covering all of it and no deny inside it", () => {
    const set = { grants: ["gm.*", "server.drain"], denies: ["gm.command.give"] };
    assert.ok(holdsAll(set, "gm.view.*"));
    assert.ok(!holdsAll(set, "gm.*"), "a deny inside");
    assert.ok(!holdsAll(set, "gm.command.*"));
    assert.ok(!holdsAll(set, "server.*"), "server.drain does not cover server.*");
    assert.ok(!holdsAll({ grants: ["gm.*", "admin.*"], denies: [] }, "*"));
    assert.ok(holdsAll({ grants: ["*"], denies: [] }, "*"));
    assert.ok(!holdsAll({ grants: ["*"], denies: ["economy.currency"] }, "*"));
    assert.ok(overlaps("gm.*", "gm.command.kick") && overlaps("gm.command.kick", "gm.*"));
    assert.ok(!overlaps("gm.view.*", "gm.command.*"));
  });

  it("nobody acts on their own account, a peer or anyone above", () => {
    const t2 = account("t2", ["gm_tier2"]);
    assert.equal(outranks(t2, account("p", ["player"])), undefined);
    assert.match(outranks(t2, t2)!, /own account/);
    assert.match(outranks(t2, account("peer", ["gm_tier2"]))!, /gm_tier2/);
    assert.match(outranks(t2, account("boss", ["super_admin"]))!, /super_admin/);
    // An override grants permissions, not rank.
    assert.ok(outranks(account("p", ["player"], { grants: ["*"] }), account("q", ["player"])));
  });

  it("roles come only from above, and only what the granter wholly holds", () => {
    const admin = account("a", ["admin"]);
    const p = account("p", ["player"]);
    assert.equal(roleChangeRefusal(admin, p, ["player"], ["gm_tier3"], grantsOf), undefined);
    assert.match(roleChangeRefusal(admin, p, ["player"], ["admin"], grantsOf)!, /does not rank below/);
    assert.match(roleChangeRefusal(admin, p, ["player"], ["super_admin"], grantsOf)!, /does not rank below/);
    const t3 = account("t3", ["gm_tier3"], { grants: ["admin.roles"] });
    assert.equal(roleChangeRefusal(t3, p, [], ["gm_tier2"], grantsOf), undefined);
    assert.match(roleChangeRefusal(t3, p, [], ["analyst"], grantsOf)!, /analytics\.\*/);
    const denied = account("d", ["admin"], { denies: ["gm.command.ban"] });
    assert.match(roleChangeRefusal(denied, p, [], ["gm_tier2"], grantsOf)!, /gm\.command\.\*/);
    // Removing is held to the same rule as granting.
    assert.match(roleChangeRefusal(t3, account("x", ["analyst"]), ["analyst"], [], grantsOf)!, /analytics/);
  });

  it("overrides: only what the actor wholly holds, added or removed, on accounts below it (C2)", () => {
    const admin = account("a", ["admin"]);
    const p = account("p", ["player"]);
    const g = (permission: string) => ({ permission, effect: "grant" });
    const dn = (permission: string) => ({ permission, effect: "deny" });
    assert.match(overrideChangeRefusal(admin, admin, [], [g("*")])!, /own account/);
    assert.match(overrideChangeRefusal(admin, p, [], [g("*")])!, /\*/);
    assert.equal(overrideChangeRefusal(admin, p, [], [g("gm.*"), dn("economy.currency")]), undefined);
    assert.match(overrideChangeRefusal(admin, p, [g("*")], [])!, /\*/, "removing * needs *");
    assert.equal(overrideChangeRefusal(admin, p, [g("*")], [g("*"), g("gm.view.*")]), undefined, "unchanged");
  });

  it("an escalation is approved by a second person holding the whole tier", () => {
    const t1 = account("t1", ["gm_tier1"]);
    assert.match(escalationApprovalRefusal(t1, t1, "gm_tier2", grantsOf)!, /second person/);
    assert.match(escalationApprovalRefusal(account("x", ["gm_tier1"]), t1, "gm_tier2", grantsOf)!, /rank/);
    assert.equal(escalationApprovalRefusal(account("t3", ["gm_tier3"]), t1, "gm_tier2", grantsOf), undefined);
    const limited = account("a", ["admin"], { denies: ["gm.command.give"] });
    assert.match(escalationApprovalRefusal(limited, t1, "gm_tier2", grantsOf)!, /gm\.command\.\*/);
  });
});

describe("audit text PostgreSQL can store (M1)", () => {
  it("escapes NUL, replaces unpaired surrogates, and never cuts a pair in half", () => {
    assert.ok(hasUnstorable("a\u0000b") && hasUnstorable("x\ud800") && hasUnstorable("\udc00y"));
    assert.ok(!hasUnstorable("smile 😀"));
    assert.equal(storableText("a\u0000b"), "a\\u0000b");
    assert.equal(storableText("x\ud800y"), "x\ufffdy");
    assert.equal(storableText("ab😀", 3), "ab", "the pair is dropped, not split");
    assert.equal(storableText("abc", 2), "ab");
  });
});

describe("refusal coalescing (M2)", () => {
  const entry = (action: string): AuditEntry => ({
    actorId: "acc-1",
    actor: "flooder",
    action,
    result: "refused",
    message: "no",
    via: "game",
  });

  it("writes the first few of a window, counts the rest, and closes the window with one record", async () => {
    const written: AuditEntry[] = [];
    const c = new RefusalCoalescer(async (e) => void written.push(e), {
      windowMs: 60_000,
      fullPerWindow: 3,
      maxKinds: 2,
    });
    for (let i = 0; i < 20; i++) await c.record(entry(i % 2 ? "command.ban" : "command.kick"));
    await c.record(entry("command.mute"));
    assert.equal(written.length, 3);
    await c.drain();
    assert.equal(written.length, 4);
    const summary = written[3]!;
    assert.equal(summary.action, COALESCED_ACTION);
    assert.deepEqual(summary.newValue && (summary.newValue as { count: number }).count, 18);
    assert.deepEqual((summary.args as { byAction: object }).byAction, {
      "command.ban": 9,
      "command.kick": 8,
      "(other)": 1,
    });
  });

  it("a count that cannot be written is carried into the next window", async () => {
    let fail = true;
    const written: AuditEntry[] = [];
    const c = new RefusalCoalescer(
      async (e) => {
        if (fail && e.action === COALESCED_ACTION) throw new Error("database down");
        written.push(e);
      },
      { windowMs: 60_000, fullPerWindow: 1, maxKinds: 10 },
    );
    for (let i = 0; i < 5; i++) await c.record(entry("command.kick"));
    await c.drain();
    fail = false;
    await c.drain();
    const counted = written.filter((e) => e.action === COALESCED_ACTION);
    assert.equal(counted.length, 1);
    assert.equal((counted[0]!.newValue as { count: number }).count, 4);
  });
});
