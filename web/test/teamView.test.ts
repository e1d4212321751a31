import assert from "node:assert/strict";
import { TEAM_MAX, teamView } from "../src/play/teamView.js";

const names = (id: string) => id.charAt(0).toUpperCase() + id.slice(1);
const member = (name: string, leader = false, online?: boolean) => ({
  name,
  district: "richland",
  level: 10,
  leader,
  ...(online === undefined ? {} : { online }),
});

describe("team view (play client)", () => {
  it("out of a team: may invite (founds one), answers a pending invite", () => {
    const v = teamView({ members: [], invite: { from: "Morpheus", expiresIn: 44.6 } }, "Neo", names);
    assert.deepEqual([v.inTeam, v.canInvite, v.inviteFrom, v.size], [false, true, "Morpheus", ""]);
    assert.equal(v.inviteExpiry, "answer within 45 seconds");
    assert.equal(
      teamView({ members: [], invite: { from: "Morpheus" } }, "Neo", names).inviteExpiry,
      undefined,
    );
    assert.equal(teamView(undefined, "Neo", names).inTeam, false);
  });

  it("lists the leader first, then yourself, with district, level and who is offline", () => {
    const v = teamView(
      { members: [member("Trinity"), member("Neo"), member("Morpheus", true), member("Tank", false, false)] },
      "neo",
      names,
    );
    assert.deepEqual(
      v.members.map((m) => [m.name, m.leader, m.self]),
      [
        ["Morpheus", true, false],
        ["Neo", false, true],
        ["Tank", false, false],
        ["Trinity", false, false],
      ],
    );
    assert.equal(v.members[2]!.detail, "Richland · level 10 · offline");
    assert.equal(v.members[0]!.detail, "Richland · level 10");
    assert.deepEqual([v.amLeader, v.canInvite, v.size], [false, false, "4/6"]);
    assert.ok(
      v.members.every((m) => !m.canKick),
      "only the leader kicks",
    );
  });

  it("the leader kicks anyone but itself and invites until the team is full", () => {
    const lead = teamView({ members: [member("Neo", true), member("Trinity")] }, "Neo", names);
    assert.deepEqual(
      lead.members.map((m) => m.canKick),
      [false, true],
    );
    assert.ok(lead.canInvite);
    const full = teamView(
      { members: Array.from({ length: TEAM_MAX }, (_, i) => member(i ? `M${i}` : "Neo", i === 0)) },
      "Neo",
      names,
    );
    assert.deepEqual([full.full, full.canInvite, full.size], [true, false, "6/6"]);
  });
});
