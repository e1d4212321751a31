import assert from "node:assert/strict";
import {
  acceptInvite,
  checkInvite,
  creditedMates,
  kickMember,
  OFFLINE_GRACE_SECONDS,
  purgeOffline,
  successor,
  TEAM_MAX,
  teamView,
  updateSeat,
  withoutMember,
  type TeamRecord,
  type TeamSeat,
} from "../../../../src/mxo/rules/teams.js";

const seat = (n: number, online = true): TeamSeat => ({
  characterId: `c${n}`,
  name: `Name${n}`,
  district: "richland",
  level: n,
  online,
});
const team = (...ns: number[]): TeamRecord => ({
  id: "t",
  leader: `c${ns[0]}`,
  members: ns.map((n) => seat(n)),
});

describe("team rules", () => {
  describe("invite", () => {
    it("lets a player without a team, or a leader with room, invite someone teamless", () => {
      assert.deepEqual(checkInvite(seat(1), undefined, seat(2), undefined), { ok: true });
      assert.deepEqual(checkInvite(seat(1), team(1, 3), seat(2), undefined), { ok: true });
    });

    it("refuses yourself, a non-leader, a full team and someone already in a team", () => {
      const self = checkInvite(seat(1), undefined, seat(1), undefined);
      assert.equal(self.ok || self.code, "invalid_target");
      const member = checkInvite(seat(3), team(1, 3), seat(2), undefined);
      assert.equal(member.ok || member.code, "not_leader");
      assert.match(member.ok ? "" : member.message, /Name1/);
      const full = checkInvite(seat(1), team(1, 2, 3, 4, 5, 6), seat(7), undefined);
      assert.equal(full.ok || full.code, "team_full");
      const taken = checkInvite(seat(1), undefined, seat(2), team(2, 3));
      assert.equal(taken.ok || taken.code, "already_in_team");
      assert.match(taken.ok ? "" : taken.message, /Name2 is already in a team/);
    });
  });

  describe("accept", () => {
    it("founds a team led by the inviter, or joins the inviter's team last", () => {
      const founded = acceptInvite(seat(2), undefined, { from: seat(1) }, undefined, "new");
      assert.ok(founded.ok);
      assert.equal(founded.team.id, "new");
      assert.equal(founded.team.leader, "c1");
      assert.deepEqual(
        founded.team.members.map((m) => m.characterId),
        ["c1", "c2"],
      );
      const joined = acceptInvite(seat(4), undefined, { from: seat(1) }, team(1, 2, 3), "unused");
      assert.ok(joined.ok);
      assert.equal(joined.team.id, "t");
      assert.deepEqual(
        joined.team.members.map((m) => m.characterId),
        ["c1", "c2", "c3", "c4"],
      );
    });

    it("refuses no invite, a member of a team, a full team, and an inviter who no longer leads", () => {
      const none = acceptInvite(seat(2), undefined, undefined, undefined, "x");
      assert.equal(none.ok || none.code, "no_invite");
      assert.match(none.ok ? "" : none.message, /60 seconds/);
      const mine = acceptInvite(seat(2), team(2, 3), { from: seat(1) }, undefined, "x");
      assert.equal(mine.ok || mine.code, "already_in_team");
      const full = acceptInvite(seat(7), undefined, { from: seat(1) }, team(1, 2, 3, 4, 5, 6), "x");
      assert.equal(full.ok || full.code, "team_full");
      const lapsed = acceptInvite(seat(7), undefined, { from: seat(1) }, team(5, 1), "x");
      assert.equal(lapsed.ok || lapsed.code, "no_invite");
      assert.match(lapsed.ok ? "" : lapsed.message, /Name1 no longer leads/);
    });

    it("never grows a team past six", () => {
      let t: TeamRecord | undefined;
      for (let n = 2; n <= 10; n++) {
        const r = acceptInvite(seat(n), undefined, { from: seat(1) }, t, "t");
        if (r.ok) t = r.team;
      }
      assert.equal(t!.members.length, TEAM_MAX);
    });
  });

  describe("leaving, kicking and leadership", () => {
    it("passes the lead to the earliest member still online when the leader leaves", () => {
      const t = team(1, 2, 3);
      t.members[1]!.online = false;
      const next = withoutMember(t, "c1")!;
      assert.equal(next.leader, "c3");
      assert.equal(successor(team(1, 2, 3), "c1"), "c2");
    });

    it("keeps the leader when someone else leaves, and dissolves a team of one", () => {
      assert.equal(withoutMember(team(1, 2, 3), "c2")!.leader, "c1");
      assert.equal(withoutMember(team(1, 2), "c1"), undefined);
      assert.equal(withoutMember(team(1, 2), "c2"), undefined);
    });

    it("kick: leader only, by name in any case, not oneself, only members", () => {
      const ok = kickMember(team(1, 2, 3), "c1", "name2");
      assert.ok(ok.ok);
      assert.equal(ok.kicked.characterId, "c2");
      assert.deepEqual(
        ok.team!.members.map((m) => m.characterId),
        ["c1", "c3"],
      );
      const notLeader = kickMember(team(1, 2, 3), "c2", "Name3");
      assert.equal(notLeader.ok || notLeader.code, "not_leader");
      const stranger = kickMember(team(1, 2), "c1", "Name9");
      assert.equal(stranger.ok || stranger.code, "not_in_team");
      const noTeam = kickMember(undefined, "c1", "Name2");
      assert.equal(noTeam.ok || noTeam.code, "not_in_team");
      const self = kickMember(team(1, 2), "c1", "Name1");
      assert.equal(self.ok || self.code, "invalid_target");
    });

    it("an offline leader hands the lead to an online member; alone online, it keeps it", () => {
      const t = updateSeat(team(1, 2, 3), { ...seat(1), online: false, offlineSince: 0 });
      assert.equal(t.leader, "c2");
      const alone: TeamRecord = { id: "t", leader: "c1", members: [seat(1), seat(2, false)] };
      assert.equal(updateSeat(alone, { ...seat(1), online: false, offlineSince: 0 }).leader, "c1");
      const moved = updateSeat(team(1, 2), { ...seat(2), district: "westview", level: 9 });
      assert.deepEqual(teamView(moved)[1], {
        name: "Name2",
        district: "westview",
        level: 9,
        leader: false,
        online: true,
      });
    });

    it("removes members offline past the grace, and dissolves what is left alone", () => {
      const t = team(1, 2, 3);
      t.members[2] = { ...seat(3, false), offlineSince: 1000 };
      const grace = OFFLINE_GRACE_SECONDS * 1000;
      assert.equal(purgeOffline(t, 1000 + grace - 1).removed.length, 0);
      const later = purgeOffline(t, 1000 + grace);
      assert.deepEqual(
        later.removed.map((m) => m.characterId),
        ["c3"],
      );
      assert.equal(later.team!.members.length, 2);
      const pair = team(1, 2);
      pair.members[1] = { ...seat(2, false), offlineSince: 0 };
      assert.equal(purgeOffline(pair, grace).team, undefined);
    });
  });

  it("teamView: empty when not in a team, leader flagged", () => {
    assert.deepEqual(teamView(undefined), []);
    assert.deepEqual(
      teamView(team(2, 1)).map((m) => [m.name, m.leader]),
      [
        ["Name2", true],
        ["Name1", false],
      ],
    );
  });

  it("credit reaches mates within 100 units of the event, not beyond", () => {
    const mates: [string, { x: number; y: number }][] = [
      ["near", { x: 60, y: 80 }],
      ["edge", { x: 100, y: 0 }],
      ["far", { x: 100.5, y: 0 }],
    ];
    assert.deepEqual(creditedMates({ x: 0, y: 0 }, mates), ["near", "edge"]);
  });
});
