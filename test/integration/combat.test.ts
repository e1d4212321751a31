import assert from "node:assert/strict";
import { joinDistrict, me, newPlayer, sleep, waitFor } from "../helpers/api.js";
import { queryDatabase } from "../helpers/postgres.js";
import { approach } from "../helpers/movement.js";
import { deploy, type TestDeployment } from "../helpers/servers.js";
import { sampleValue, scrape } from "../helpers/metrics.js";

describe("fighting NPCs (postgres)", function () {
  this.timeout(150_000);
  let d: TestDeployment;
  before(async () => (d = await deploy("postgres", { MAX_MESSAGES_PER_SECOND: "50" })));
  after(async () => d?.cleanup());

  it("NPCs near the arrival hardline are in view with their replicated fields", async () => {
    const { room } = await joinDistrict(d.server.ws, await newPlayer(d.server.http), "richland");
    try {
      await waitFor(() => me(room) && room.state.npcs.size > 0, { what: "NPCs in view" });
      const lookouts = [...room.state.npcs.values()].filter((n: any) => n.template === "rl-la-lookout");
      assert.ok(lookouts.length >= 1, "the Mara lookouts are visible from the hardline");
      for (const n of lookouts) {
        assert.ok(n.hp > 0 && n.hp === n.maxHp);
        assert.ok(Math.hypot(n.x - 1500, n.y - 1200) < 60, "spawned near the arrival hardline");
        assert.ok(n.name.length > 0);
      }
    } finally {
      await room.leave();
    }
  });

  it("loads abilities at a hardline within the memory budget; the loadout is saved and used", async () => {
    const player = await newPlayer(d.server.http);
    const first = await joinDistrict(d.server.ws, player, "richland");
    const room = first.room;
    const answers: any[] = [];
    const errors: any[] = [];
    let asked = false;
    // The loadout sent on join comes before any question: only answers count.
    room.onMessage("loadout", (m: any) => asked && answers.push(m));
    room.onMessage("error", (e: any) => errors.push(e));
    room.onMessage("combat", () => {});
    const ask = async (abilities: string[]) => {
      const [a, e] = [answers.length, errors.length];
      asked = true;
      room.send("loadout", { abilities });
      await waitFor(() => answers.length > a || errors.length > e, { what: "loadout answer" });
      return answers.length > a ? answers.at(-1) : errors.at(-1);
    };
    try {
      await waitFor(() => me(room));
      const ok = await ask(["a-shot"]);
      assert.equal(ok.kind, "current");
      assert.deepEqual(ok.abilities, ["a-shot"]);
      assert.equal(ok.custom, true);
      assert.equal(ok.memory, 1);
      assert.equal(ok.budget, 6);
      const shot = ok.catalog.find((a: any) => a.id === "a-shot");
      assert.equal(shot.loaded, true);
      assert.equal(shot.name.length > 0, true);
      assert.equal(ok.catalog.find((a: any) => a.id === "a-strike").loaded, false);
      assert.equal(
        ok.catalog.find((a: any) => a.id === "gm-head-shot"),
        undefined,
        "not known at level 1",
      );
      assert.equal((await ask(["a-hyperjump"])).code, "ability_locked");
      assert.equal((await ask(["no-such-thing"])).code, "unknown_ability");
      assert.equal((await ask(["hk-viral-spike"])).code, "ability_locked");
      const [npcId] = await waitFor(
        () => [...room.state.npcs.entries()].find(([, n]: any) => n.template === "rl-la-lookout"),
        { what: "a lookout in view" },
      );
      room.send("ability", { abilityId: "a-strike", targetId: npcId });
      await waitFor(() => errors.at(-1)?.code === "not_in_loadout", { what: "a-strike is no longer loaded" });
      await waitFor(
        async () =>
          (
            await queryDatabase<any>(d.env.DATABASE_URL!, "SELECT loadout FROM characters WHERE id = $1", [
              player.characterId,
            ])
          )[0]?.loadout?.[0] === "a-shot",
        { what: "loadout saved" },
      );
      // Away from the hardline nothing changes.
      const away = { x: me(room).x + 40, y: me(room).y };
      await approach(room, () => away, 2);
      const far = await ask(["a-strike", "a-shot"]);
      assert.equal(far.code, "not_at_hardline");
      assert.match(far.message, /Mara Central is \d+ units away/);
    } finally {
      await room.leave();
    }
    // Back in play, the saved loadout holds.
    const again = await joinDistrict(d.server.ws, player, "richland");
    const errs: any[] = [];
    again.room.onMessage("error", (e: any) => errs.push(e));
    again.room.onMessage("*", () => {});
    try {
      await waitFor(() => me(again.room) && again.room.state.npcs.size > 0);
      const [npcId] = [...again.room.state.npcs.keys()];
      again.room.send("ability", { abilityId: "a-strike", targetId: npcId });
      await waitFor(() => errs.some((e) => e.code === "not_in_loadout"), { what: "still not loaded" });
    } finally {
      await again.room.leave();
    }
  });

  it("refuses bad combat requests with clear errors and changes nothing", async () => {
    const { room } = await joinDistrict(d.server.ws, await newPlayer(d.server.http), "richland");
    const errors: any[] = [];
    room.onMessage("error", (e: any) => errors.push(e));
    room.onMessage("combat", () => {});
    try {
      await waitFor(() => me(room) && room.state.npcs.size > 0);
      const [npcId, npc] = [...room.state.npcs.entries()].find(
        ([, n]: any) => n.template === "rl-la-lookout",
      )!;
      room.send("ability", { abilityId: "cd-code-shield", targetId: npcId }); // not in a level-1 loadout
      await waitFor(() => errors.length === 1);
      room.send("ability", { abilityId: "a-strike", targetId: npcId }); // melee, 3 units: too far
      await waitFor(() => errors.length === 2);
      room.send("ability", { abilityId: "a-shot", targetId: "nobody-here" });
      await waitFor(() => errors.length === 3);
      room.send("interlock", { action: "power" }); // not in close combat
      await waitFor(() => errors.length === 4);
      room.send("interlock", { action: "dance" });
      await waitFor(() => errors.length === 5);
      assert.deepEqual(
        errors.map((e) => e.code),
        ["not_in_loadout", "out_of_range", "not_found", "not_interlocked", "invalid_message"],
        JSON.stringify(errors),
      );
      await sleep(200);
      assert.equal(npc.hp, npc.maxHp, "the NPC was not touched");
    } finally {
      await room.leave();
    }
  });

  it("interlock through the SDK: pull an NPC into close combat, choose actions round by round, get the log", async () => {
    const player = await newPlayer(d.server.http);
    const { room } = await joinDistrict(d.server.ws, player, "richland");
    const events: any[] = [];
    const errors: any[] = [];
    room.onMessage("combat", (e: any) => events.push(e));
    room.onMessage("error", (e: any) => errors.push(e));
    room.onMessage("*", () => {});
    const combat = (type: string) => events.filter((e) => e.kind === "combat" && e.event.type === type);
    try {
      await waitFor(() => me(room) && room.state.npcs.size > 0);
      const [npcId] = await waitFor(
        () => [...room.state.npcs.entries()].find(([, n]: any) => n.template === "rl-la-lookout" && n.hp > 0),
        { what: "a lookout in view" },
      );
      const started = () => combat("interlock_started").find((e) => e.event.targetId === npcId);
      const deadline = Date.now() + 30_000;
      while (!started()) {
        if (Date.now() > deadline) throw new Error(`no interlock: ${JSON.stringify(errors.slice(-3))}`);
        await approach(room, () => room.state.npcs.get(npcId), 2.5);
        room.send("ability", { abilityId: "interlock", targetId: npcId });
        await sleep(300);
      }
      const interlockId = started().event.interlockId;
      // Three rounds of chosen actions, then withdraw until the duel ends.
      const actions = ["power", "quick", "block"];
      for (const action of actions) {
        const n = combat("round_resolved").length;
        room.send("interlock", { action });
        await waitFor(() => combat("round_resolved").length > n || combat("interlock_ended").length > 0, {
          timeoutMs: 8000,
          what: `round after ${action}`,
        });
        if (combat("interlock_ended").length > 0) break;
      }
      const rounds = combat("round_resolved").filter((e) => e.event.interlockId === interlockId);
      assert.ok(rounds.length >= 1, "rounds were fought");
      const first = rounds[0].event.entry;
      assert.ok(
        JSON.stringify(first).includes(actions[0]!),
        `the round log records the chosen action: ${JSON.stringify(first)}`,
      );
      const end = Date.now() + 60_000;
      while (combat("interlock_ended").length === 0) {
        if (Date.now() > end) throw new Error("the duel never ended");
        room.send("interlock", { action: "withdraw" });
        await sleep(500);
      }
      const ended = combat("interlock_ended")[0].event;
      assert.equal(ended.interlockId, interlockId);
      assert.ok(ended.log, "the full round log comes with the end");
      assert.ok(["withdrew", "death", "timeout"].includes(ended.reason), ended.reason);
      assert.deepEqual(combat("interlock_ended")[0].fighters.b, npcId);
      const m = await scrape(d.server.http);
      assert.ok(
        (sampleValue(m, "mxo_combat_duration_seconds_count", { combat_type: "interlock" }) ?? 0) >= 1,
      );
    } finally {
      await room.leave();
    }
  });

  it("a player kills an NPC with abilities: XP persists, loot lands in the inventory through the ledger", async () => {
    const player = await newPlayer(d.server.http);
    // A sturdy fighter (vitality 40: 900 HP), so that what is tested is the kill and what follows,
    // not whether a level-1 character outlasts the lookouts on a loaded machine (it did not, once, in CI).
    await queryDatabase(
      d.env.DATABASE_URL!,
      "UPDATE characters SET stats = jsonb_set(stats, '{vitality}', '40'), max_hp = 900, hp = 900 WHERE id = $1",
      [player.characterId],
    );
    const { room } = await joinDistrict(d.server.ws, player, "richland");
    const events: any[] = [];
    room.onMessage("combat", (e: any) => events.push(e));
    room.onMessage("error", () => {});
    try {
      await waitFor(() => me(room) && room.state.npcs.size > 0);
      assert.equal(me(room).maxHp, 900, "the sturdy fighter came in as stored");
      const [npcId] = await waitFor(
        () => [...room.state.npcs.entries()].find(([, n]: any) => n.template === "rl-la-lookout"),
        { what: "a lookout in view" },
      );
      const npc = () => room.state.npcs.get(npcId);
      await approach(room, () => npc(), 25);
      const died = () => events.find((e) => e.kind === "death" && e.id === npcId);
      const deadline = Date.now() + 90_000;
      while (!died()) {
        if (Date.now() > deadline) throw new Error(`the NPC survived: ${JSON.stringify(events.slice(-5))}`);
        // The fight moves: the NPC chases or leashes home, a fallen player respawns at a hardline.
        const self = me(room);
        const target = npc();
        if (self && target && self.hp > 0 && Math.hypot(target.x - self.x, target.y - self.y) > 25) {
          await approach(room, () => npc(), 20);
        }
        room.send("ability", { abilityId: "a-shot", targetId: npcId });
        await sleep(700);
      }
      assert.ok(
        events.some((e) => e.kind === "combat" && e.event.type === "ability_used" && e.event.casterId),
      );
      assert.ok(
        events.some((e) => e.kind === "combat" && e.event.type === "damage" && e.event.targetId === npcId),
      );
      const xp = await waitFor(() => events.find((e) => e.kind === "xp"), { what: "xp" });
      const m = await scrape(d.server.http);
      assert.ok((sampleValue(m, "mxo_kills_total", { district: "richland", victim: "npc" }) ?? 0) >= 1);
      assert.ok((sampleValue(m, "mxo_combat_duration_seconds_count", { combat_type: "free" }) ?? 0) >= 1);
      assert.ok(xp.amount > 0);
      const loot = events.find((e) => e.kind === "loot");
      await room.leave();

      const [row] = await queryDatabase<{ experience: string }>(
        d.env.DATABASE_URL!,
        "SELECT experience FROM characters WHERE id = $1",
        [player.characterId],
      );
      assert.equal(Number(row!.experience), xp.experience, "XP saved on leave");
      if (loot && (loot.items.length > 0 || loot.info > 0)) {
        const rows = await waitFor(
          async () => {
            const r = await queryDatabase<{ item_id: string; quantity: number }>(
              d.env.DATABASE_URL!,
              "SELECT item_id, quantity FROM ledger_entries WHERE character_id = $1 AND kind = 'loot'",
              [player.characterId],
            );
            return r.length > 0 && r;
          },
          { what: "loot in the ledger" },
        );
        for (const item of loot.items) {
          assert.ok(
            rows.some((r) => r.item_id === item.itemId && Number(r.quantity) === item.quantity),
            item.itemId,
          );
        }
        const inventory = await queryDatabase<{ item_id: string; quantity: number }>(
          d.env.DATABASE_URL!,
          "SELECT item_id, quantity FROM inventory_items WHERE character_id = $1",
          [player.characterId],
        );
        for (const item of loot.items) assert.ok(inventory.some((r) => r.item_id === item.itemId));
        const [money] = await queryDatabase<{ currency: string }>(
          d.env.DATABASE_URL!,
          "SELECT currency FROM characters WHERE id = $1",
          [player.characterId],
        );
        assert.equal(Number(money!.currency), loot.info, "dropped information credited once");
      }
    } finally {
      if (room.connection.isOpen) await room.leave();
    }
  });
});
