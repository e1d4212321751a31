import assert from "node:assert/strict";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { joinDistrict, me, newPlayer, sleep, waitFor } from "../helpers/api.js";
import { queryDatabase } from "../helpers/postgres.js";
import { tempDataDir } from "../helpers/serverProcess.js";
import { approach } from "../helpers/movement.js";
import { deploy, type TestDeployment } from "../helpers/servers.js";

const ROOT = resolve(import.meta.dirname, "../..");

/**
 * The shipped pack with the Mara lookouts made fragile (one shot kills) and
 * "Clip Their Wings" shortened to two of them, so a mission runs in seconds.
 */
function fastContent(): { dir: string; remove(): void } {
  const tmp = tempDataDir();
  const dir = join(tmp.dir, "content");
  cpSync(join(ROOT, "content"), dir, { recursive: true });
  const npcs = JSON.parse(readFileSync(join(dir, "npcs.json"), "utf8"));
  const lookout = npcs.npcs.find((n: { id: string }) => n.id === "rl-la-lookout");
  lookout.hp = 1;
  writeFileSync(join(dir, "npcs.json"), JSON.stringify(npcs));
  const missions = JSON.parse(readFileSync(join(dir, "missions.json"), "utf8"));
  const clip = missions.missions.find((m: { id: string }) => m.id === "rl-clip-their-wings");
  clip.objectives = [{ kind: "eliminate", template: "rl-la-lookout", count: 2 }];
  clip.rewards = {
    xp: 150,
    info: 40,
    items: [{ item: "cons-health-pack", count: 2 }],
    reputation: { zion: 20 },
  };
  // "Courier Disk": one data disk from a lookout (they always drop one here), handed to Tyndall.
  missions.missions.push({
    id: "rl-courier-disk",
    name: "Courier Disk",
    description: "Bring Tyndall the disk a lookout took.",
    district: "richland",
    contact: "rl-tyndall",
    requiredLevel: 1,
    objectives: [
      { kind: "collect", item: "mi-data-disk", count: 1 },
      { kind: "meet", contact: "rl-tyndall" },
    ],
    rewards: { xp: 50, info: 25, items: [] },
  });
  // "Short Walk": take the informant 30 units east of Mara Central.
  missions.missions.push({
    id: "rl-short-walk",
    name: "Short Walk",
    description: "See the informant to the corner.",
    district: "richland",
    contact: "rl-tyndall",
    requiredLevel: 1,
    objectives: [
      {
        kind: "escort",
        template: "rl-informant",
        to: { district: "richland", x: 1530, y: 1200, z: 0, radius: 6 },
      },
    ],
    rewards: { xp: 30, items: [] },
  });
  writeFileSync(join(dir, "missions.json"), JSON.stringify(missions));
  const loot = JSON.parse(readFileSync(join(dir, "loot.json"), "utf8"));
  const street = loot.lootTables.find((t: { id: string }) => t.id === "lt-la-street");
  street.entries = [{ item: "mi-data-disk", chance: 1, min: 1, max: 1 }];
  writeFileSync(join(dir, "loot.json"), JSON.stringify(loot));
  return { dir, remove: tmp.remove };
}

describe("missions (postgres)", function () {
  this.timeout(120_000);
  let d: TestDeployment;
  let content: ReturnType<typeof fastContent>;
  before(async () => {
    content = fastContent();
    d = await deploy("postgres", { CONTENT_DIR: content.dir, MAX_MESSAGES_PER_SECOND: "50" });
  });
  after(async () => {
    await d?.cleanup();
    content?.remove();
  });

  it("accept, progress by kills, complete with rewards that persist across a restart", async () => {
    const player = await newPlayer(d.server.http);
    let { room } = await joinDistrict(d.server.ws, player, "richland");
    const missionMsgs: any[] = [];
    const errors: any[] = [];
    // The mission log sent on join (`state`) may arrive before or after this handler exists.
    room.onMessage("mission", (m: any) => m.kind !== "state" && missionMsgs.push(m));
    room.onMessage("error", (e: any) => errors.push(e));
    room.onMessage("combat", () => {});
    await waitFor(() => me(room) && room.state.npcs.size > 0);

    room.send("mission", { action: "accept", missionId: "no-such-mission" });
    room.send("mission", { action: "accept", missionId: "rl-ringleader" }); // needs Clip Their Wings first
    room.send("mission", { action: "abandon", missionId: "rl-clip-their-wings" }); // not active
    room.send("mission", { action: "accept", missionId: "rl-clip-their-wings" });
    room.send("mission", { action: "accept", missionId: "rl-clip-their-wings" });
    await waitFor(() => errors.length === 4 && missionMsgs.length === 1, { what: "answers" });
    assert.deepEqual(
      errors.map((e) => e.code),
      ["unknown_mission", "prerequisites_missing", "not_active", "already_active"],
    );
    assert.equal(missionMsgs[0].kind, "accepted");
    assert.equal(missionMsgs[0].objectives[0].progress, 0);

    // Two lookouts, one shot each.
    const killed = new Set<string>();
    while (!missionMsgs.some((m) => m.kind === "completed")) {
      const target = [...room.state.npcs.entries()].find(
        ([id, n]: any) => n.template === "rl-la-lookout" && n.hp > 0 && !killed.has(id),
      );
      if (!target) {
        await sleep(200);
        continue;
      }
      const [npcId] = target;
      await approach(room, () => room.state.npcs.get(npcId), 25);
      for (let i = 0; i < 20 && (room.state.npcs.get(npcId)?.hp ?? 0) > 0; i++) {
        room.send("ability", { abilityId: "a-shot", targetId: npcId });
        await sleep(600);
      }
      killed.add(npcId);
      assert.ok(killed.size <= 6, "the mission should have completed by now");
    }
    const progress = missionMsgs.filter((m) => m.kind === "progress");
    assert.ok(progress.length >= 1);
    const done = missionMsgs.find((m) => m.kind === "completed");
    assert.equal(done.missionId, "rl-clip-their-wings");
    assert.equal(done.completion, 1);
    assert.equal(done.reputation.zion, 120);
    assert.ok(done.reputation.machines < 0, "gaining Zion costs standing with the others");
    await sleep(500); // the reward XP arrives with the next tick
    await room.leave();

    await d.restart();
    const [row] = await queryDatabase<any>(
      d.env.DATABASE_URL!,
      "SELECT missions, reputation, experience, currency FROM characters WHERE id = $1",
      [player.characterId],
    );
    assert.equal(row.missions.completed["rl-clip-their-wings"], 1);
    assert.equal(row.missions.active.length, 0);
    assert.equal(row.reputation.zion, 120);
    assert.ok(Number(row.experience) >= 150, `experience ${row.experience}`);
    const rewards = await queryDatabase<any>(
      d.env.DATABASE_URL!,
      "SELECT item_id, quantity FROM ledger_entries WHERE character_id = $1 AND kind = 'mission_reward' ORDER BY item_id",
      [player.characterId],
    );
    assert.deepEqual(
      rewards.map((r) => [r.item_id, Number(r.quantity)]),
      [
        ["cons-health-pack", 2],
        ["currency", 40],
      ],
    );

    ({ room } = await joinDistrict(d.server.ws, player, "richland"));
    const again: any[] = [];
    room.onMessage("error", (e: any) => again.push(e));
    await waitFor(() => me(room));
    room.send("mission", { action: "accept", missionId: "rl-clip-their-wings" });
    await waitFor(() => again[0]);
    assert.equal(again[0].code, "already_completed");
    await room.leave();
  });

  it("collect and meet: the disk is handed in with the rewards when the contact is met", async () => {
    const player = await newPlayer(d.server.http);
    const { room } = await joinDistrict(d.server.ws, player, "richland");
    const missionMsgs: any[] = [];
    const errors: any[] = [];
    const met: any[] = [];
    room.onMessage("mission", (m: any) => missionMsgs.push(m));
    room.onMessage("error", (e: any) => errors.push(e));
    room.onMessage("interact", (m: any) => met.push(m));
    room.onMessage("*", () => {});
    try {
      await waitFor(() => me(room) && room.state.npcs.size > 0);
      room.send("mission", { action: "accept", missionId: "rl-courier-disk" });
      await waitFor(() => missionMsgs.some((m) => m.kind === "accepted"));
      room.send("mission", { action: "turn_in", missionId: "rl-courier-disk" });
      room.send("interact", { target: "rl-halloran" }); // across the district
      room.send("interact", { target: "nobody" });
      await waitFor(() => errors.length === 3, { what: "three refusals" });
      assert.deepEqual(
        errors.map((e) => e.code),
        ["not_ready", "too_far", "not_found"],
      );

      // One lookout drops the disk.
      const [npcId] = await waitFor(
        () => [...room.state.npcs.entries()].find(([, n]: any) => n.template === "rl-la-lookout" && n.hp > 0),
        { what: "a lookout" },
      );
      await approach(room, () => room.state.npcs.get(npcId), 25);
      for (let i = 0; i < 20 && !missionMsgs.some((m) => m.kind === "progress"); i++) {
        room.send("ability", { abilityId: "a-shot", targetId: npcId });
        await sleep(600);
      }
      await waitFor(
        () =>
          missionMsgs.some(
            (m) =>
              m.kind === "progress" &&
              m.objectives.some((o: any) => o.objective.kind === "collect" && o.progress >= 1),
          ),
        { what: "disk collected" },
      );
      // Back to Tyndall at Mara Central.
      await approach(room, () => ({ x: 1488, y: 1190 }), 4);
      room.send("interact", { target: "rl-tyndall" });
      const done = await waitFor(() => missionMsgs.find((m) => m.kind === "completed"), {
        what: "completed",
      });
      assert.equal(met.at(-1).name, "Tyndall");
      assert.deepEqual(done.handedIn, [{ item: "mi-data-disk", count: 1 }]);
      const ledger = await queryDatabase<any>(
        d.env.DATABASE_URL!,
        "SELECT item_id, kind, quantity FROM ledger_entries WHERE character_id = $1 ORDER BY created_at, item_id",
        [player.characterId],
      );
      const disk = ledger
        .filter((r) => r.item_id === "mi-data-disk")
        .map((r) => [r.kind, Number(r.quantity)]);
      assert.deepEqual(disk.at(-1), ["mission_turn_in", -1]);
      const held = disk.reduce((sum, [, q]) => sum + (q as number), 0);
      assert.equal(held, 0, "the disk left the inventory");
      assert.ok(ledger.some((r) => r.kind === "mission_reward" && r.item_id === "currency"));
    } finally {
      await room.leave();
    }
  });

  it("escort: the NPC appears, follows the player, and completes the mission at its destination", async () => {
    const player = await newPlayer(d.server.http);
    const { room } = await joinDistrict(d.server.ws, player, "richland");
    const missionMsgs: any[] = [];
    room.onMessage("mission", (m: any) => missionMsgs.push(m));
    room.onMessage("*", () => {});
    try {
      await waitFor(() => me(room));
      await approach(room, () => ({ x: 1495, y: 1200 }), 2);
      room.send("mission", { action: "accept", missionId: "rl-short-walk" });
      const escort = await waitFor(() => missionMsgs.find((m) => m.kind === "escort"), {
        what: "escort starts",
      });
      await waitFor(() => room.state.npcs.get(escort.npcId), { what: "the informant appears" });
      assert.equal(room.state.npcs.get(escort.npcId).template, "rl-informant");
      await approach(room, () => ({ x: 1532, y: 1200 }), 1);
      const done = await waitFor(() => missionMsgs.find((m) => m.kind === "completed"), {
        timeoutMs: 10_000,
        what: "escort completed",
      });
      assert.equal(done.missionId, "rl-short-walk");
      await waitFor(() => !room.state.npcs.get(escort.npcId), { what: "the informant leaves" });
    } finally {
      await room.leave();
    }
  });
});
