import assert from "node:assert/strict";
import type { Room } from "@colyseus/sdk";
import { http, joinDistrict, me, newPlayer, waitFor, type TestPlayer } from "../helpers/api.js";
import { gmCommand } from "../helpers/gm.js";
import { received } from "../helpers/client.js";
import { queryDatabase } from "../helpers/postgres.js";
import { deploy, type TestDeployment } from "../helpers/servers.js";
import type { InventoryUpdate } from "../../src/mxo/contract/serverMessages.js";

const ADMIN = { username: "vendors_admin", password: "admin password 123" };
const BROKER = "rl-v-code-broker";
const ARMS = "rl-v-weapons";

const inventories = (room: Room<any>) => received<InventoryUpdate>(room, "inventory");
const errors = (room: Room<any>) => received<{ code: string; message: string }>(room, "error");

describe("Vendors: buy and sell at NPC vendors through the ledger (postgres)", function () {
  this.timeout(120_000);
  let d: TestDeployment;
  let token: string;
  const gm = (command: string, args: string[]) => gmCommand(d.server.http, token, command, args);
  /** A new player in Richland, at the arrival hardline, with `information` given. */
  const player = async (information = 0): Promise<{ p: TestPlayer; room: Room<any> }> => {
    const p = await newPlayer(d.server.http);
    const { room } = await joinDistrict(d.server.ws, p);
    await waitFor(() => me(room) && inventories(room).length > 0, { what: "the first inventory" });
    if (information > 0) {
      await gm("give", [p.characterName, "currency", String(information)]);
      await waitFor(() => inventories(room).at(-1)!.information === information, {
        what: "the Information given",
      });
    }
    return { p, room };
  };
  /** The next error after those seen so far. */
  const refusal = async (room: Room<any>, type: string, body: Record<string, unknown>) => {
    const before = errors(room).length;
    room.send(type, body);
    return waitFor(() => errors(room)[before], { what: `the refusal of ${type} ${JSON.stringify(body)}` });
  };
  const held = (room: Room<any>, itemId: string) =>
    inventories(room)
      .at(-1)!
      .items.find((i) => i.itemId === itemId)?.qty ?? 0;

  before(async () => {
    d = await deploy("postgres", {
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      GM_BULK_GIVE_THRESHOLD: "1000000",
    });
    token = (await http(d.server.http, "POST", "/auth/login", { body: ADMIN })).body.token;
  });
  after(async () => d?.cleanup());

  it("GET /api/v1/districts lists each district's vendors with prices and the ability code they sell", async () => {
    const res = await http(d.server.http, "GET", "/api/v1/districts");
    assert.equal(res.status, 200);
    for (const district of res.body.districts) {
      assert.ok(district.vendors.length >= 4, `${district.id} has its vendors`);
      for (const v of district.vendors) {
        assert.equal(typeof v.x, "number");
        assert.ok(v.sells.every((w: any) => Number.isInteger(w.price) && w.price > 0 && w.name));
      }
    }
    const richland = res.body.districts.find((x: any) => x.id === "richland");
    const broker = richland.vendors.find((v: any) => v.id === BROKER);
    assert.equal(broker.name, "Sixteen Bits, Code Broker");
    assert.equal(broker.reach, 8);
    assert.equal(broker.buyBackRate, 0.25);
    const recuperate = broker.sells.find((w: any) => w.itemId === "code-a-recuperate");
    assert.deepEqual(recuperate, {
      itemId: "code-a-recuperate",
      name: "Recuperate Code",
      kind: "code",
      price: 90,
      ability: { id: "a-recuperate", name: "Recuperate" },
    });
    const arms = richland.vendors.find((v: any) => v.id === ARMS);
    assert.deepEqual(
      arms.sells.find((w: any) => w.itemId === "w-lead-pipe"),
      { itemId: "w-lead-pipe", name: "Lead Pipe", kind: "weapon", price: 40, ability: null },
    );
  });

  it("buys within reach (Information out, item in, one ledger batch) and sells back at a quarter of the value", async () => {
    const { p, room } = await player(500);
    try {
      const arms = (await http(d.server.http, "GET", "/api/v1/districts")).body.districts
        .find((x: any) => x.id === "richland")
        .vendors.find((v: any) => v.id === ARMS);
      await gm("teleport", [p.characterName, String(arms.x + 2), String(arms.y)]);
      await waitFor(() => Math.hypot(me(room).x - arms.x, me(room).y - arms.y) < 5, { what: "the teleport" });

      room.send("buy", { vendorId: ARMS, itemId: "w-lead-pipe", qty: 2 });
      await waitFor(() => held(room, "w-lead-pipe") === 2, { what: "two pipes" });
      assert.equal(inventories(room).at(-1)!.information, 420);

      room.send("sell", { vendorId: ARMS, itemId: "w-lead-pipe" });
      await waitFor(() => held(room, "w-lead-pipe") === 1, { what: "one pipe sold" });
      assert.equal(inventories(room).at(-1)!.information, 430, "a quarter of 40 back");

      const entries = await queryDatabase<{ kind: string; item_id: string; quantity: number }>(
        d.env.DATABASE_URL!,
        `SELECT kind, item_id, quantity::int AS quantity FROM ledger_entries
          WHERE character_id = $1 AND kind IN ('purchase', 'sale')`,
        [p.characterId],
      );
      assert.deepEqual(
        entries.map((e) => `${e.kind} ${e.item_id} ${e.quantity}`).sort(),
        ["purchase currency -80", "purchase w-lead-pipe 2", "sale currency 10", "sale w-lead-pipe -1"].sort(),
      );
      const events = await waitFor(
        async () => {
          const rows = await queryDatabase<{ kind: string; amount: number }>(
            d.env.DATABASE_URL!,
            `SELECT kind, amount::int AS amount FROM game_events WHERE character_id = $1 AND kind IN ('purchase', 'sale')`,
            [p.characterId],
          );
          return rows.length === 2 && rows;
        },
        { what: "the purchase and sale analytics events" },
      );
      assert.deepEqual(events.map((e) => `${e.kind} ${e.amount}`).sort(), ["purchase 80", "sale 10"]);
      assert.equal(errors(room).length, 0, JSON.stringify(errors(room)));
    } finally {
      await room.leave();
    }
  });

  it("refuses out of reach, not sold here, insufficient funds, not owned and equipped, changing nothing", async () => {
    const { p, room } = await player(100);
    try {
      const far = await refusal(room, "buy", { vendorId: ARMS, itemId: "w-lead-pipe" });
      assert.equal(far.code, "out_of_reach");
      assert.match(far.message, /Ortega the Fence is \d+ units away: come within 8/);

      const notHere = await refusal(room, "buy", { vendorId: BROKER, itemId: "w-katana" });
      assert.deepEqual(notHere, {
        code: "not_sold_here",
        message: "Sixteen Bits, Code Broker does not sell Katana",
      });

      const poor = await refusal(room, "buy", { vendorId: BROKER, itemId: "code-cd-code-analysis" });
      assert.equal(poor.code, "insufficient_funds");
      assert.equal(poor.message, "Code Analysis Code costs 300 Information; you have 100");

      const unknown = await refusal(room, "buy", { vendorId: "nobody", itemId: "w-katana" });
      assert.equal(unknown.code, "not_found");

      const none = await refusal(room, "sell", { vendorId: BROKER, itemId: "w-katana" });
      assert.deepEqual(none, { code: "not_owned", message: "You hold none of Katana" });

      await gm("give", [p.characterName, "w-katana", "1"]);
      await waitFor(() => held(room, "w-katana") === 1, { what: "the katana given" });
      await gm("setstat", [p.characterName, "level", "30"]);
      room.send("equip", { itemId: "w-katana" });
      await waitFor(
        () =>
          inventories(room)
            .at(-1)!
            .items.find((i) => i.itemId === "w-katana")?.equipped,
        {
          what: "the katana equipped",
        },
      );
      const worn = await refusal(room, "sell", { vendorId: BROKER, itemId: "w-katana" });
      assert.deepEqual(worn, { code: "equipped", message: "Unequip Katana before selling it" });

      const last = inventories(room).at(-1)!;
      assert.equal(last.information, 100, "no refusal moved Information");
      assert.equal(held(room, "w-katana"), 1);
      const written = await queryDatabase<{ n: number }>(
        d.env.DATABASE_URL!,
        `SELECT count(*)::int AS n FROM ledger_entries WHERE character_id = $1 AND kind IN ('purchase', 'sale')`,
        [p.characterId],
      );
      assert.equal(written[0]!.n, 0);
    } finally {
      await room.leave();
    }
  });

  it("a purchase resent with the same requestId is charged once; another requestId buys again", async () => {
    const { p, room } = await player(200);
    try {
      const buy = { vendorId: "rl-v-pharmacist", itemId: "cons-health-pack", qty: 2, requestId: "retry-1" };
      const pharmacist = (await http(d.server.http, "GET", "/api/v1/districts")).body.districts
        .find((x: any) => x.id === "richland")
        .vendors.find((v: any) => v.id === "rl-v-pharmacist");
      await gm("teleport", [p.characterName, String(pharmacist.x), String(pharmacist.y + 3)]);
      await waitFor(() => Math.hypot(me(room).x - pharmacist.x, me(room).y - pharmacist.y) < 5, {
        what: "the teleport",
      });
      room.send("buy", buy);
      room.send("buy", buy);
      await waitFor(() => held(room, "cons-health-pack") === 2, { what: "two packs" });
      room.send("buy", buy);
      const count = inventories(room).length;
      await waitFor(() => inventories(room).length >= count + 1, { what: "the inventory after the resend" });
      assert.equal(held(room, "cons-health-pack"), 2, "the resend bought nothing more");
      assert.equal(inventories(room).at(-1)!.information, 150, "charged once: 2 × 25");

      room.send("buy", { ...buy, requestId: "retry-2" });
      await waitFor(() => held(room, "cons-health-pack") === 4, { what: "two more packs" });
      assert.equal(inventories(room).at(-1)!.information, 100);
      const rows = await queryDatabase<{ n: number }>(
        d.env.DATABASE_URL!,
        `SELECT count(*)::int AS n FROM ledger_entries WHERE character_id = $1 AND kind = 'purchase'`,
        [p.characterId],
      );
      assert.equal(rows[0]!.n, 4, "two purchases of two legs each");
      const verified = await queryDatabase<{ balance: number }>(
        d.env.DATABASE_URL!,
        `SELECT coalesce(sum(quantity), 0)::int AS balance FROM ledger_entries WHERE character_id = $1 AND item_id = 'currency'`,
        [p.characterId],
      );
      assert.equal(verified[0]!.balance, 100, "the ledger's sum matches the balance shown");
    } finally {
      await room.leave();
    }
  });
});
