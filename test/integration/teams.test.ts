import assert from "node:assert/strict";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Client, Room } from "@colyseus/sdk";
import { http, joinDistrict, me, newPlayer, sleep, waitFor, type TestPlayer } from "../helpers/api.js";
import { gmCommand } from "../helpers/gm.js";
import { received } from "../helpers/client.js";
import { ADMIN as CLUSTER_ADMIN, startCluster, type TestCluster } from "../helpers/cluster.js";
import { approach } from "../helpers/movement.js";
import { tempDataDir } from "../helpers/serverProcess.js";
import { deploy, type TestDeployment } from "../helpers/servers.js";

const ROOT = resolve(import.meta.dirname, "../..");
const ADMIN = { username: "teams_admin", password: "admin password 123" };

interface Seat extends TestPlayer {
  client: Client;
  room: Room<any>;
}

async function seat(server: { http: string; ws: string }, district = "richland"): Promise<Seat> {
  const p = await newPlayer(server.http);
  const j = await joinDistrict(server.ws, p, district);
  await waitFor(() => me(j.room), { what: "own player" });
  return { ...p, ...j };
}

const teamMsgs = (s: Seat) => received<any>(s.room, "team");
const lastTeam = (s: Seat) => teamMsgs(s).at(-1);
const names = (s: Seat) => (lastTeam(s)?.members ?? []).map((m: any) => m.name).join(",");
const leaderOf = (s: Seat) => lastTeam(s)?.members.find((m: any) => m.leader)?.name;

/** Waits until the player's latest `team` shows exactly these members (in join order). */
async function shows(s: Seat, members: Seat[], leader = members[0]) {
  const want = members.map((m) => m.characterName).join(",");
  await waitFor(() => names(s) === want && (!leader || leaderOf(s) === leader.characterName), {
    what: `${s.characterName} sees team [${want}], got [${names(s)}]`,
    timeoutMs: 10_000,
  });
}

/** Sends a team message and waits for the refusal it must get; returns its code. */
async function refused(s: Seat, msg: unknown): Promise<{ code: string; message: string }> {
  const errors = received<any>(s.room, "error");
  const before = errors.length;
  s.room.send("team", msg);
  return waitFor(() => errors[before], { what: `a refusal of ${JSON.stringify(msg)}` });
}

/** `from` invites `to`; `to` sees the invite; `to` accepts. */
async function recruit(from: Seat, to: Seat) {
  const n = teamMsgs(to).length;
  from.room.send("team", { action: "invite", name: to.characterName });
  await waitFor(
    () =>
      teamMsgs(to)
        .slice(n)
        .find((t: any) => t.invite?.from === from.characterName),
    {
      what: `${to.characterName} invited`,
    },
  );
  to.room.send("team", { action: "accept" });
}

const leaveAll = async (seats: Seat[]) => {
  for (const s of seats) await s.room.leave().catch(() => {});
};

/** The shipped pack with lookouts killed by one shot. */
function fragileContent(): { dir: string; remove(): void } {
  const tmp = tempDataDir();
  const dir = join(tmp.dir, "content");
  cpSync(join(ROOT, "content"), dir, { recursive: true });
  const npcs = JSON.parse(readFileSync(join(dir, "npcs.json"), "utf8"));
  npcs.npcs.find((n: { id: string }) => n.id === "rl-la-lookout").hp = 1;
  writeFileSync(join(dir, "npcs.json"), JSON.stringify(npcs));
  return { dir, remove: tmp.remove };
}

describe("teams (embedded database)", function () {
  this.timeout(120_000);
  let d: TestDeployment;
  let content: ReturnType<typeof fragileContent>;
  let token: string;
  const gm = (command: string, args: string[]) => gmCommand(d.server.http, token, command, args);

  before(async () => {
    content = fragileContent();
    d = await deploy("embedded", {
      CONTENT_DIR: content.dir,
      MAX_MESSAGES_PER_SECOND: "200",
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      ADMIN_RATE_LIMIT_PER_MINUTE: "120",
    });
    token = (await http(d.server.http, "POST", "/auth/login", { body: ADMIN })).body.token;
  });
  after(async () => {
    await d?.cleanup();
    content?.remove();
  });

  it("invite, decline, accept, kick, leave; the lead passes on; every refusal named", async () => {
    const a = await seat(d.server, "richland");
    const b = await seat(d.server, "westview");
    const c = await seat(d.server, "downtown");
    const x = await seat(d.server, "richland");
    try {
      // Not in a team: an empty team on join.
      await waitFor(() => lastTeam(b), { what: "team on join" });
      assert.deepEqual(lastTeam(b), { members: [] });

      assert.equal((await refused(a, { action: "invite", name: "Nobody_here_123" })).code, "player_offline");
      assert.equal((await refused(a, { action: "invite", name: a.characterName })).code, "invalid_target");
      const none = await refused(b, { action: "accept" });
      assert.equal(none.code, "no_invite");
      assert.match(none.message, /60 seconds/);
      assert.equal((await refused(b, { action: "decline" })).code, "no_invite");
      assert.equal((await refused(b, { action: "leave" })).code, "not_in_team");

      // An invite reaches another district; declined, it is gone.
      a.room.send("team", { action: "invite", name: b.characterName });
      await waitFor(() => lastTeam(b)?.invite?.from === a.characterName, { what: "invite shown" });
      assert.deepEqual(lastTeam(b).members, []);
      assert.ok(lastTeam(b).invite.expiresIn > 50 && lastTeam(b).invite.expiresIn <= 60, "lasts 60 s");
      b.room.send("team", { action: "decline" });
      await waitFor(() => lastTeam(b) && !lastTeam(b).invite, { what: "invite gone" });
      assert.equal((await refused(b, { action: "accept" })).code, "no_invite");

      // Accepted: both see the team, the inviter leading, each member where it plays.
      await recruit(a, b);
      await shows(a, [a, b]);
      await shows(b, [a, b]);
      assert.deepEqual(
        lastTeam(b).members.map((m: any) => [m.district, m.level, m.leader]),
        [
          ["richland", 1, true],
          ["westview", 1, false],
        ],
      );

      assert.equal((await refused(b, { action: "invite", name: c.characterName })).code, "not_leader");
      await recruit(a, c);
      await shows(c, [a, b, c]);
      assert.equal((await refused(a, { action: "invite", name: b.characterName })).code, "already_in_team");
      assert.equal((await refused(x, { action: "invite", name: c.characterName })).code, "already_in_team");
      // Someone who leads a team is in one too.
      assert.equal((await refused(x, { action: "invite", name: a.characterName })).code, "already_in_team");

      // Kicks: the leader only, members only.
      assert.equal((await refused(b, { action: "kick", name: c.characterName })).code, "not_leader");
      assert.equal((await refused(a, { action: "kick", name: x.characterName })).code, "not_in_team");
      a.room.send("team", { action: "kick", name: c.characterName.toLowerCase() });
      await waitFor(() => lastTeam(c)?.members.length === 0, { what: "kicked member told" });
      await shows(a, [a, b]);
      await shows(b, [a, b]);

      // The leader leaves: the next member leads.
      await recruit(a, c);
      await shows(c, [a, b, c]);
      a.room.send("team", { action: "leave" });
      await shows(b, [b, c], b);
      await shows(c, [b, c], b);
      await waitFor(() => lastTeam(a)?.members.length === 0, { what: "leaver's team empty" });

      // A team of one dissolves.
      b.room.send("team", { action: "leave" });
      await waitFor(() => lastTeam(c)?.members.length === 0, { what: "dissolved" });
      assert.equal((await refused(c, { action: "leave" })).code, "not_in_team");

      // A GM's inspect shows the team.
      await recruit(x, a);
      await shows(a, [x, a]);
      const report = await gm("inspect", [a.characterName]);
      assert.deepEqual(report.data.team, {
        leader: x.characterName,
        members: [x.characterName, a.characterName],
      });
    } finally {
      await leaveAll([a, b, c, x]);
    }
  });

  it("a team of six is full; of two accepting into a team of five at once, exactly one gets in", async () => {
    const seats: Seat[] = [];
    for (let i = 0; i < 7; i++) seats.push(await seat(d.server, i % 2 ? "westview" : "international"));
    const [lead, ...rest] = seats as [Seat, ...Seat[]];
    try {
      for (const s of rest.slice(0, 3)) {
        await recruit(lead, s);
        await waitFor(() => lastTeam(s)?.members.length > 1, { what: "joined" });
      }
      await shows(lead, seats.slice(0, 4));
      const [p, q] = [rest[3]!, rest[4]!];
      const r = rest[5]!;
      await recruit(lead, r);
      await shows(lead, [...seats.slice(0, 4), r]);
      // Two invites out with five in; both accept at once.
      for (const s of [p, q]) {
        lead.room.send("team", { action: "invite", name: s.characterName });
        await waitFor(() => lastTeam(s)?.invite, { what: "invite" });
      }
      const errorsBefore = [p, q].map((s) => received<any>(s.room, "error").length);
      p.room.send("team", { action: "accept" });
      q.room.send("team", { action: "accept" });
      await waitFor(() => lastTeam(lead)?.members.length === 6, { what: "six" });
      const refusals = await waitFor(
        () => {
          const got = [p, q].flatMap((s, i) => received<any>(s.room, "error").slice(errorsBefore[i]));
          return got.length === 1 && got;
        },
        { what: "one refusal" },
      );
      assert.equal(refusals[0].code, "team_full");
      await sleep(300);
      assert.equal(lastTeam(lead).members.length, 6);
      const outside = [p, q].find((s) => (lastTeam(s)?.members.length ?? 0) === 0)!;
      assert.ok(outside, "the one refused is in no team");
      assert.equal(
        (await refused(lead, { action: "invite", name: outside.characterName })).code,
        "team_full",
      );
    } finally {
      await leaveAll(seats);
    }
  });

  it("the team follows its members: level-ups, logging out (the lead passes on), relogging and travel", async () => {
    const lead = await seat(d.server, "richland");
    const mate = await seat(d.server, "richland");
    let again: Seat | undefined;
    try {
      await recruit(lead, mate);
      await shows(mate, [lead, mate]);
      await gm("setstat", [mate.characterName, "level", "5"]);
      await waitFor(() => lastTeam(lead)?.members[1]?.level === 5, { what: "level-up shown" });

      // The leader logs out: within seconds it shows offline and the mate leads; it stays a member.
      await lead.room.leave();
      await waitFor(() => lastTeam(mate)?.members[0]?.online === false, {
        what: "offline",
        timeoutMs: 20_000,
      });
      assert.equal(leaderOf(mate), mate.characterName);
      assert.equal(lastTeam(mate).members.length, 2);

      // Back in the game: its team is shown on join, and it is online again.
      const j = await joinDistrict(d.server.ws, lead, "richland");
      again = { ...lead, ...j };
      await waitFor(() => lastTeam(again!)?.members.length === 2, { what: "team on relog" });
      await waitFor(() => lastTeam(mate)?.members[0]?.online === true, { what: "online again" });
      assert.equal(leaderOf(again), mate.characterName);

      // A travel shows where it went.
      const reply = new Promise<any>((resolve) => mate.room.onMessage("travel", resolve));
      mate.room.send("travel", { district: "westview" });
      const next = await mate.client.consumeSeatReservation((await reply).reservation);
      await mate.room.leave();
      mate.room = next;
      await waitFor(() => lastTeam(again!)?.members[1]?.district === "westview", { what: "travel shown" });
      await waitFor(() => lastTeam(mate)?.members.length === 2, { what: "team after travel" });
      await sleep(11_000); // past the grace a leave is given before it counts as offline
      assert.equal(lastTeam(again).members[1].online, true, "a travel is not a logout");
      assert.equal(leaderOf(again), mate.characterName);
    } finally {
      await leaveAll([mate, ...(again ? [again] : [])]);
    }
  });

  it("team chat reaches every member, in any district, and no one else", async () => {
    const a = await seat(d.server, "richland");
    const b = await seat(d.server, "westview");
    const stranger = await seat(d.server, "richland");
    try {
      const errors = received<any>(stranger.room, "error");
      const n = errors.length;
      stranger.room.send("chat", { channel: "team", text: "anyone?" });
      await waitFor(() => errors[n], { what: "not in team" });
      assert.equal(errors[n].code, "not_in_team");

      await recruit(a, b);
      await shows(b, [a, b]);
      a.room.send("chat", { channel: "team", text: "meet at the hardline" });
      const heard = (s: Seat) => received<any>(s.room, "chat").filter((l) => l.channel === "team");
      await waitFor(() => heard(b).length === 1 && heard(a).length === 1, { what: "both hear it" });
      assert.equal(heard(b)[0].from, a.characterName);
      assert.equal(heard(b)[0].text, "meet at the hardline");
      await sleep(300);
      assert.equal(heard(stranger).length, 0, "a non-member hears nothing");
    } finally {
      await leaveAll([a, b, stranger]);
    }
  });

  it("a kill is credited to a teammate within 100 units, not to one beyond; the loot stays with the killer", async () => {
    const killer = await seat(d.server, "richland");
    const near = await seat(d.server, "richland");
    const far = await seat(d.server, "richland");
    try {
      assert.equal(killer.room.roomId, near.room.roomId);
      assert.equal(killer.room.roomId, far.room.roomId);
      await recruit(killer, near);
      await shows(near, [killer, near]);
      await recruit(killer, far);
      await shows(far, [killer, near, far]);
      for (const s of [near, far])
        s.room.send("mission", { action: "accept", missionId: "rl-clip-their-wings" });

      const [npcId] = await waitFor(
        () =>
          [...killer.room.state.npcs.entries()].find(
            ([, n]: any) => n.template === "rl-la-lookout" && n.hp > 0,
          ),
        { what: "a lookout" },
      );
      await approach(killer.room, () => killer.room.state.npcs.get(npcId), 25);
      const at = me(killer.room);
      await gm("teleport", [near.characterName, String(Math.round(at.x + 30)), String(Math.round(at.y))]);
      await gm("teleport", [far.characterName, String(Math.round(at.x)), String(Math.round(at.y + 160))]);
      await waitFor(() => Math.abs(me(near.room).x - (at.x + 30)) < 2, { what: "near teleported" });

      const xp = (s: Seat) => received<any>(s.room, "combat").filter((e) => e.kind === "xp");
      for (let i = 0; i < 20 && !xp(killer).length; i++) {
        killer.room.send("ability", { abilityId: "a-shot", targetId: npcId });
        await sleep(600);
      }
      await waitFor(() => xp(killer).length >= 1 && xp(near).length >= 1, {
        what: "killer and near mate earn xp",
      });
      assert.ok(xp(near)[0].amount > 0);
      const progress = (s: Seat) => received<any>(s.room, "mission").filter((m) => m.kind === "progress");
      await waitFor(() => progress(near).length >= 1, { what: "near mate's objective advances" });
      assert.equal(progress(near)[0].objectives[0].progress, 1);
      await sleep(500);
      assert.equal(xp(far).length, 0, "the mate 160 units away earns nothing");
      assert.equal(progress(far).length, 0);
      const loot = (s: Seat) => received<any>(s.room, "combat").filter((e) => e.kind === "loot");
      assert.equal(loot(near).length + loot(far).length, 0, "loot stays with the killer");
    } finally {
      await leaveAll([killer, near, far]);
    }
  });
});

describe("teams across processes (Redis, two processes)", function () {
  this.timeout(180_000);
  let c: TestCluster;
  let adminToken: string;

  before(async () => {
    c = await startCluster(2, { MAX_MESSAGES_PER_SECOND: "200", RECONNECT_GRACE_SECONDS: "0" });
    adminToken = (await http(c.servers[0]!.http, "POST", "/auth/login", { body: CLUSTER_ADMIN })).body.token;
  });
  after(async () => c?.cleanup());

  it("members on different processes see each other, hear team chat, and race for the last seat", async () => {
    const [s0, s1] = c.servers as [(typeof c.servers)[0], (typeof c.servers)[0]];
    const a = await seat(s0, "richland");
    const b = await seat(s1, "westview");
    const seats = [a, b];
    try {
      const rooms = (await http(s0.http, "GET", "/api/v1/admin/districts", { token: adminToken }))
        .body as any[];
      const processOf = (s: Seat) => rooms.find((r) => r.roomId === s.room.roomId)?.processId;
      assert.ok(processOf(a) && processOf(b), JSON.stringify(rooms));
      assert.notEqual(processOf(a), processOf(b), "the two districts run on different processes");

      await recruit(a, b); // the invite crosses processes
      await shows(a, [a, b]);
      await shows(b, [a, b]);
      assert.deepEqual(
        lastTeam(a).members.map((m: any) => m.district),
        ["richland", "westview"],
      );
      b.room.send("chat", { channel: "team", text: "from westview" });
      const heard = (s: Seat) => received<any>(s.room, "chat").filter((l) => l.channel === "team");
      await waitFor(() => heard(a).length === 1, { what: "team chat across processes" });
      assert.equal(heard(a)[0].text, "from westview");

      // Three more (five in all), then two invitees on different processes accept at once.
      for (let i = 0; i < 3; i++) {
        const s = await seat(i % 2 ? s1 : s0, i % 2 ? "westview" : "richland");
        seats.push(s);
        await recruit(a, s);
        await waitFor(() => lastTeam(s)?.members.length === seats.length, { what: "joined" });
      }
      const p = await seat(s0, "richland");
      const q = await seat(s1, "westview");
      seats.push(p, q);
      for (const s of [p, q]) {
        a.room.send("team", { action: "invite", name: s.characterName });
        await waitFor(() => lastTeam(s)?.invite, { what: "invite" });
      }
      const before = [p, q].map((s) => received<any>(s.room, "error").length);
      p.room.send("team", { action: "accept" });
      q.room.send("team", { action: "accept" });
      await waitFor(() => lastTeam(a)?.members.length === 6, { what: "six", timeoutMs: 10_000 });
      const refusals = await waitFor(
        () => {
          const got = [p, q].flatMap((s, i) => received<any>(s.room, "error").slice(before[i]));
          return got.length === 1 && got;
        },
        { what: "one refusal" },
      );
      assert.equal(refusals[0].code, "team_full");
      await sleep(500);
      assert.equal(lastTeam(a).members.length, 6);
      assert.equal(lastTeam(b).members.length, 6);
      assert.equal([p, q].filter((s) => lastTeam(s)?.members.length === 6).length, 1);
    } finally {
      await leaveAll(seats);
    }
  });
});
