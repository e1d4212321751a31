import assert from "node:assert/strict";
import { canonical } from "../../src/framework/audit/AuditLog.js";
import { allows, grantMatches, nextTier } from "../../src/framework/auth/permissions.js";
import { humanDuration, parseDuration, positional } from "../../src/framework/commands/args.js";
import { teleport } from "../../src/framework/commands/teleport.js";
import { ban, mute, unban } from "../../src/framework/commands/sanctions.js";
import { itemCommands } from "../../src/mxo/commands/items.js";

// Only the arguments and the two-person rule are exercised: no content is looked up.
const { give } = itemCommands(() => {
  throw new Error("no content in these tests");
});

describe("permission strings", () => {
  it("wildcards cover their subtree only", () => {
    assert.ok(grantMatches("gm.*", "gm.command.kick"));
    assert.ok(grantMatches("gm.command.*", "gm.command.kick"));
    assert.ok(grantMatches("*", "anything.at.all"));
    assert.ok(!grantMatches("gm.command.*", "gm.commandeer"));
    assert.ok(!grantMatches("gm.command.kick", "gm.command.kick.self"));
    assert.ok(!grantMatches("gm.view.*", "gm.command.kick"));
  });

  it("a deny beats any grant, wildcards included", () => {
    const set = { grants: ["gm.*"], denies: ["gm.command.give"] };
    assert.ok(allows(set, "gm.command.kick"));
    assert.ok(!allows(set, "gm.command.give"));
    assert.ok(!allows({ grants: ["*"], denies: ["economy.*"] }, "economy.currency"));
  });

  it("escalation goes one GM tier up, and not past the top", () => {
    assert.equal(nextTier(["player", "gm_tier1"]), "gm_tier2");
    assert.equal(nextTier(["gm_tier2", "gm_tier1"]), "gm_tier3");
    assert.equal(nextTier(["gm_tier3"]), undefined);
    assert.equal(nextTier(["admin"]), undefined);
  });
});

describe("GM command arguments", () => {
  it("parses durations and refuses nonsense", () => {
    assert.equal(parseDuration("90s"), 90);
    assert.equal(parseDuration("15m"), 900);
    assert.equal(parseDuration("2h"), 7200);
    assert.equal(parseDuration("7d"), 604_800);
    assert.equal(parseDuration("45"), 45);
    for (const bad of ["", "0s", "-5m", "2x", "1.5h", "99999999999d"])
      assert.throws(() => parseDuration(bad));
    assert.equal(humanDuration(252_000), "4m 12s");
    assert.equal(humanDuration(90_000_000), "1d 1h");
  });

  it("teleport takes coordinates or a district with optional coordinates", () => {
    assert.deepEqual(teleport.args.parse(["Neo", "10", "20"]), {
      target: "Neo",
      district: undefined,
      to: { x: 10, y: 20, z: 0 },
    });
    assert.deepEqual(teleport.args.parse(["Neo", "Westview"]), {
      target: "Neo",
      district: "westview",
      to: undefined,
    });
    assert.deepEqual(teleport.args.parse(["Neo", "westview", "1", "2", "3"]).to, { x: 1, y: 2, z: 3 });
    const bad = teleport.args.safeParse(["Neo", "10", "north"]);
    assert.equal(bad.success, false);
    assert.match(bad.error!.issues[0]!.message, /<y> must be a number/);
    assert.equal(teleport.args.safeParse(["Neo", "1", "2", "3", "4"]).success, false);
    assert.equal(teleport.args.safeParse([]).success, false);
  });

  it("ban needs a reason; perm and big gives ask for a second GM", async () => {
    const none = { soloGiven: async () => 0 };
    assert.equal(ban.args.safeParse(["Neo", "1h"]).success, false);
    const perm = ban.args.parse(["Neo", "perm", "real", "bad"]);
    assert.equal(perm.reason, "real bad");
    assert.deepEqual(perm.target, { kind: "character", name: "Neo" });
    assert.ok(ban.needsApproval!(perm, { bulkGiveThreshold: 10 }, none));
    assert.equal(
      ban.needsApproval!(ban.args.parse(["Neo", "1d", "x"]), { bulkGiveThreshold: 10 }, none),
      undefined,
    );
    const policy = { bulkGiveThreshold: 10 };
    assert.ok(await give.needsApproval!(give.args.parse(["Neo", "w-katana", "11"]), policy, none));
    assert.equal(await give.needsApproval!(give.args.parse(["Neo", "w-katana"]), policy, none), undefined);
    assert.equal(give.args.safeParse(["Neo", "w-katana", "0"]).success, false);
    assert.equal(give.args.safeParse(["Neo", "w-katana", "1.5"]).success, false);
  });

  it("gives add up: what one GM gave the same character alone counts toward the threshold", async () => {
    const policy = { bulkGiveThreshold: 100 };
    const asked: string[] = [];
    const history = (given: number) => ({
      soloGiven: async (itemId: string) => {
        asked.push(itemId);
        return given;
      },
    });
    const hundred = give.args.parse(["Neo", "w-katana", "100"]);
    assert.equal(await give.needsApproval!(hundred, policy, history(0)), undefined);
    assert.match((await give.needsApproval!(hundred, policy, history(100)))!, /passes the bulk threshold/);
    assert.match(
      (await give.needsApproval!(give.args.parse(["Neo", "w-katana"]), policy, history(100)))!,
      /100/,
    );
    assert.deepEqual([...new Set(asked)], ["w-katana"]);
  });

  it("targets are character names unless an account is written out; unban names an account", () => {
    assert.deepEqual(ban.args.parse(["account:neo_1", "1h", "x"]).target, { kind: "account", name: "neo_1" });
    assert.deepEqual(unban.args.parse(["neo_1"]).target, { kind: "account", name: "neo_1" });
    assert.deepEqual(mute.args.parse(["Trinity", "5m"]).target, { kind: "character", name: "Trinity" });
    assert.equal(ban.args.safeParse(["account:", "1h", "x"]).success, false);
    assert.equal(mute.args.safeParse(["Tri\u0000nity", "5m"]).success, false);
  });

  it("positional readers report the first problem", () => {
    const schema = positional((r) => ({ a: r.number("a", { min: 1, max: 3, integer: true }) }));
    assert.match(schema.safeParse(["4"]).error!.issues[0]!.message, /between 1 and 3/);
    assert.match(schema.safeParse([]).error!.issues[0]!.message, /missing <a>/);
  });
});

describe("audit hashing", () => {
  it("canonical JSON does not depend on key order", () => {
    assert.equal(canonical({ b: 1, a: [{ d: 2, c: null }] }), canonical({ a: [{ c: null, d: 2 }], b: 1 }));
    assert.notEqual(canonical({ a: 1 }), canonical({ a: "1" }));
  });
});
