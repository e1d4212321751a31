import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { LocalPresence } from "@colyseus/core";
import { Redis } from "ioredis";
import type { CharacterLease, LeaseEntry } from "../../../../src/framework/cluster/CharacterLease.js";
import type { Logger } from "../../../../src/framework/util/logger.js";
import { TEAM_MAX, type TeamRecord, type TeamSeat } from "../../../../src/mxo/rules/teams.js";
import { LocalTeamStore, RedisTeamStore, type TeamStore } from "../../../../src/mxo/zone/teams/TeamStore.js";
import { TeamService } from "../../../../src/mxo/zone/teams/TeamService.js";
import { memberKey, teamKey } from "../../../../src/mxo/zone/teams/TeamTx.js";
import { REDIS_BASE_URL } from "../../../helpers/redis.js";

const log = { warn() {}, error() {}, info() {} } as unknown as Logger;

/** The lease directory, as far as teams use it: names of characters in play. */
function directory(seats: TeamSeat[]): CharacterLease {
  const byName = new Map(seats.map((s) => [s.name.toLowerCase(), s]));
  const entry = (s: TeamSeat): LeaseEntry => ({
    characterId: s.characterId,
    name: s.name,
    accountId: "a",
    organization: "zion",
    district: s.district,
    roomId: "r",
    processId: "p",
    sessionId: s.characterId,
  });
  return {
    findByName: async (name: string) => {
      const s = byName.get(name.toLowerCase());
      return s && entry(s);
    },
    // Everyone stays in play here.
    locate: async (id: string) => {
      const s = seats.find((x) => x.characterId === id);
      return s && entry(s);
    },
  } as unknown as CharacterLease;
}

const seatOf = (i: number): TeamSeat => ({
  characterId: randomUUID(),
  name: `Racer${i}`,
  district: "richland",
  level: 1,
  online: true,
});

/**
 * Two "processes" (two services over one store) race: everyone invited
 * accepts at once, then members leave and are kicked while others accept.
 * After each round the store must agree with itself: at most six, no one in
 * two teams, every member's index pointing at its team.
 */
async function race(store: TeamStore, keys: string[]) {
  const seats = Array.from({ length: 16 }, (_, i) => seatOf(i));
  const lease = directory(seats);
  const a = new TeamService(new LocalPresence(), store, lease, log);
  const b = new TeamService(new LocalPresence(), store, lease, log);
  const [lead, ...others] = seats as [TeamSeat, ...TeamSeat[]];
  keys.push(...seats.map((s) => memberKey(s.characterId)));

  for (const s of others) assert.equal((await a.invite(lead, s.name)).ok, true);
  const answers = await Promise.all(others.map((s, i) => (i % 2 ? a : b).accept(s)));
  assert.equal(answers.filter((x) => x.ok).length, TEAM_MAX - 1);
  assert.ok(answers.filter((x) => !x.ok).every((x) => !x.ok && x.code === "team_full"));

  const check = async () => {
    const ids = await store.get(seats.map((s) => memberKey(s.characterId)));
    const teamIds = [...new Set(ids.filter((x): x is string => x !== null))];
    keys.push(...teamIds.map(teamKey));
    const teams = (await store.get(teamIds.map(teamKey))).map((raw) => JSON.parse(raw!) as TeamRecord);
    const seen = new Set<string>();
    for (const t of teams) {
      assert.ok(t.members.length <= TEAM_MAX && t.members.length >= 2, `team of ${t.members.length}`);
      assert.ok(
        t.members.some((m) => m.characterId === t.leader),
        "the leader is a member",
      );
      for (const m of t.members) {
        assert.ok(!seen.has(m.characterId), `${m.name} in two teams`);
        seen.add(m.characterId);
        assert.equal(ids[seats.findIndex((s) => s.characterId === m.characterId)], t.id);
      }
    }
    assert.equal(seen.size, ids.filter((x) => x !== null).length, "no index without its team");
    return teams;
  };
  const [team] = await check();
  const members = team!.members.slice(1);
  const outside = seats.filter((s) => !team!.members.some((m) => m.characterId === s.characterId));

  // Two members leave and one is kicked while two still holding the first invites accept:
  // whichever order the store saw, the team is 3 plus those accepted (the others found it full).
  const answers2 = await Promise.all([
    a.leave(members[0]!.characterId),
    b.leave(members[1]!.characterId),
    a.kick(lead.characterId, members[2]!.name),
    b.accept(outside[0]!),
    a.accept(outside[1]!),
  ]);
  assert.ok(answers2.slice(0, 3).every((x) => x.ok));
  const accepted = answers2.slice(3).filter((x) => x.ok).length;
  assert.ok(answers2.slice(3).every((x) => x.ok || x.code === "team_full"));
  const [after] = await check();
  assert.equal(after!.members.length, TEAM_MAX - 3 + accepted);

  // Everyone leaves at once: the team dissolves, no index is left behind.
  await Promise.all(after!.members.map((m, i) => (i % 2 ? a : b).leave(m.characterId)));
  assert.deepEqual(await check(), []);
}

describe("team changes racing over one store", function () {
  this.timeout(20_000);

  it("in-process store: never seven, never two teams, never a lost member", async () => {
    await race(new LocalTeamStore(), []);
  });

  it("Redis store (the Lua compare-and-set): the same under two services", async () => {
    const redis = new Redis(`${REDIS_BASE_URL}/9`, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    const keys: string[] = [];
    try {
      await race(new RedisTeamStore(redis), keys);
    } finally {
      if (keys.length > 0) await redis.del(...new Set(keys));
      redis.disconnect();
    }
  });
});
