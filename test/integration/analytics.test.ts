import assert from "node:assert/strict";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { http, joinDistrict, me, newPlayer, sleep, waitFor } from "../helpers/api.js";
import { sampleValue, scrape } from "../helpers/metrics.js";
import { approach } from "../helpers/movement.js";
import { queryDatabase } from "../helpers/postgres.js";
import { tempDataDir } from "../helpers/serverProcess.js";
import { deploy, type TestDeployment } from "../helpers/servers.js";

const ROOT = resolve(import.meta.dirname, "../..");
const ADMIN = { username: "analytics_admin", password: "admin password 123" };

/** Lookouts die in one shot and always drop a data disk and some information. */
function generousContent(): { dir: string; remove(): void } {
  const tmp = tempDataDir();
  const dir = join(tmp.dir, "content");
  cpSync(join(ROOT, "content"), dir, { recursive: true });
  const npcs = JSON.parse(readFileSync(join(dir, "npcs.json"), "utf8"));
  npcs.npcs.find((n: { id: string }) => n.id === "rl-la-lookout").hp = 1;
  writeFileSync(join(dir, "npcs.json"), JSON.stringify(npcs));
  const loot = JSON.parse(readFileSync(join(dir, "loot.json"), "utf8"));
  const street = loot.lootTables.find((t: { id: string }) => t.id === "lt-la-street");
  street.entries = [{ item: "mi-data-disk", chance: 1, min: 1, max: 1 }];
  street.info = { min: 5, max: 5 };
  writeFileSync(join(dir, "loot.json"), JSON.stringify(loot));
  return { dir, remove: tmp.remove };
}

describe("analytics (postgres)", function () {
  this.timeout(120_000);
  let d: TestDeployment;
  let content: ReturnType<typeof generousContent>;
  before(async () => {
    content = generousContent();
    d = await deploy("postgres", {
      CONTENT_DIR: content.dir,
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
    });
  });
  after(async () => {
    await d?.cleanup();
    content?.remove();
  });

  it("records a scripted session's events in batches; the summaries add up with the ledger", async () => {
    const player = await newPlayer(d.server.http); // one login
    const { room } = await joinDistrict(d.server.ws, player, "richland");
    room.onMessage("*", () => {});
    const kills: string[] = [];
    room.onMessage("combat", (e: any) => {
      if (e.kind === "kill") kills.push(e.npcId ?? "npc");
    });
    try {
      await waitFor(() => me(room) && room.state.npcs.size > 0);
      const deadline = Date.now() + 60_000;
      while (kills.length < 2) {
        if (Date.now() > deadline) throw new Error("no kills");
        const target = [...room.state.npcs.entries()].find(
          ([, n]: any) => n.template === "rl-la-lookout" && n.hp > 0,
        );
        if (!target) {
          await sleep(200);
          continue;
        }
        await approach(room, () => room.state.npcs.get(target[0]), 25);
        room.send("ability", { abilityId: "a-shot", targetId: target[0] });
        await sleep(700);
      }
    } finally {
      await room.leave();
    }
    const admin = (await http(d.server.http, "POST", "/auth/login", { body: ADMIN })).body.token;
    const summary = await waitFor(
      async () => {
        const res = await http(
          d.server.http,
          "GET",
          `/api/v1/admin/analytics/players/${player.characterId}`,
          {
            token: admin,
          },
        );
        return res.status === 200 && res.body.itemsAcquired >= 2 && res.body;
      },
      { timeoutMs: 5000, what: "events written" },
    );
    const ledger = await queryDatabase<{ item_id: string; total: string }>(
      d.env.DATABASE_URL!,
      `SELECT item_id, sum(quantity) AS total FROM ledger_entries
        WHERE character_id = $1 AND kind IN ('loot', 'mission_reward') GROUP BY item_id`,
      [player.characterId],
    );
    const currency = Number(ledger.find((r) => r.item_id === "currency")?.total ?? 0);
    const items = ledger.filter((r) => r.item_id !== "currency").reduce((n, r) => n + Number(r.total), 0);
    assert.equal(summary.logins, 1);
    assert.equal(summary.currencyEarned, currency, "currency earned = the ledger's loot and rewards");
    assert.equal(summary.itemsAcquired, items, "items acquired = the ledger's loot and rewards");
    assert.ok(summary.currencyEarned >= 10);
    assert.equal(summary.deaths, 0);

    const days = await http(d.server.http, "GET", "/api/v1/admin/analytics/districts?days=1", {
      token: admin,
    });
    assert.equal(days.status, 200);
    const richland = days.body.find((r: any) => r.district === "richland");
    assert.ok(richland.players >= 1);
    assert.equal(richland.currencyEarned, currency, "one player in the district: the aggregate is theirs");
    assert.equal(richland.itemsAcquired, items);
    assert.equal(richland.events.item_acquired, summary.itemsAcquired);

    const m = await scrape(d.server.http);
    assert.equal(
      sampleValue(m, "mxo_game_events_total", { kind: "login" }),
      2,
      "the player's and the admin's",
    );
    assert.ok((sampleValue(m, "mxo_game_events_total", { kind: "currency_earned" }) ?? 0) >= 2);

    const player2 = await newPlayer(d.server.http);
    const refused = await http(d.server.http, "GET", "/api/v1/admin/analytics/districts", {
      token: player2.token,
    });
    assert.equal(refused.status, 403);
  });
});
