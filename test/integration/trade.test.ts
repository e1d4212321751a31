import assert from "node:assert/strict";
import type { Room } from "@colyseus/sdk";
import { http, joinDistrict, me, newPlayer, waitFor, type TestPlayer } from "../helpers/api.js";
import { gmCommand } from "../helpers/gm.js";
import { received } from "../helpers/client.js";
import { deploy, type TestDeployment } from "../helpers/servers.js";
import type { DistrictError } from "../../src/mxo/contract/errorCodes.js";
import type { InventoryUpdate, TradeUpdate } from "../../src/mxo/contract/serverMessages.js";

const ADMIN = { username: "trade_admin", password: "admin password 123" };

type Joined = { p: TestPlayer; room: Room<any> };

const trades = (j: Joined) => received<TradeUpdate>(j.room, "trade");
const errors = (j: Joined) => received<DistrictError>(j.room, "error");
const inventory = (j: Joined) => received<InventoryUpdate>(j.room, "inventory");
const held = (j: Joined, itemId: string) =>
  inventory(j)
    .at(-1)
    ?.items.find((i) => i.itemId === itemId)?.qty ?? 0;

describe("Player trade (SDK)", function () {
  this.timeout(120_000);
  let d: TestDeployment;
  let token: string;
  const joined: Joined[] = [];
  /** Every piece of Information the GM gave in this file: what the server should report in circulation. */
  let informationGiven = 0;

  const gm = (command: string, args: string[]) => gmCommand(d.server.http, token, command, args);
  /** GM gives, then waits until the player's inventory shows it. */
  const give = async (j: Joined, itemId: string, qty: number) => {
    const before = itemId === "currency" ? (inventory(j).at(-1)?.information ?? 0) : held(j, itemId);
    await gm("give", [j.p.characterName, itemId, String(qty)]);
    if (itemId === "currency") informationGiven += qty;
    await waitFor(
      () =>
        (itemId === "currency" ? (inventory(j).at(-1)?.information ?? 0) : held(j, itemId)) === before + qty,
      { what: `${qty} ${itemId} in ${j.p.characterName}'s inventory` },
    );
  };
  const join = async (): Promise<Joined> => {
    const p = await newPlayer(d.server.http);
    const { room } = await joinDistrict(d.server.ws, p);
    const j = { p, room };
    joined.push(j);
    await waitFor(() => me(room) && inventory(j).length > 0, { what: "own player and inventory" });
    return j;
  };
  /** Sends a trade message and waits for the next `trade` update or `error` it causes. */
  const next = async <T>(list: () => T[], send: () => void, what: string): Promise<T> => {
    const n = list().length;
    send();
    return waitFor(() => list()[n], { what });
  };
  const openPair = async (): Promise<[Joined, Joined]> => {
    const a = await join();
    const b = await join();
    const seen = trades(b).length;
    const opened = await next(
      () => trades(a),
      () => a.room.send("trade", { action: "open", with: b.p.characterName }),
      "trade open",
    );
    assert.equal(opened.state, "open");
    assert.equal(opened.with, b.p.characterName);
    const other = await waitFor(() => trades(b)[seen], { what: "trade open on the other side" });
    assert.deepEqual(
      { state: other.state, with: other.with, mine: other.mine, theirs: other.theirs },
      {
        state: "open",
        with: a.p.characterName,
        mine: { items: [], information: 0 },
        theirs: { items: [], information: 0 },
      },
    );
    return [a, b];
  };
  const refusal = (j: Joined, msg: Record<string, unknown>) =>
    next(
      () => errors(j),
      () => j.room.send("trade", msg),
      `error for ${JSON.stringify(msg)}`,
    );

  before(async () => {
    d = await deploy("embedded", { ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password });
    token = (await http(d.server.http, "POST", "/auth/login", { body: ADMIN })).body.token;
  });
  afterEach(async () => {
    for (const j of joined.splice(0)) if (j.room.connection.isOpen) await j.room.leave();
  });
  after(async () => d?.cleanup());

  it("swaps items and Information once both confirm; both inventories show it", async () => {
    const [a, b] = await openPair();
    await give(a, "w-katana", 2);
    await give(a, "currency", 300);
    await give(b, "cons-health-pack", 5);

    const setA = await next(
      () => trades(b),
      () =>
        a.room.send("trade", {
          action: "set",
          items: [{ itemId: "w-katana", qty: 1 }],
          information: 120,
        }),
      "b sees a's offer",
    );
    assert.equal(setA.state, "updated");
    assert.deepEqual(setA.theirs, {
      items: [{ itemId: "w-katana", name: "Katana", qty: 1 }],
      information: 120,
    });
    const setB = await next(
      () => trades(a),
      () => b.room.send("trade", { action: "set", items: [{ itemId: "cons-health-pack", qty: 3 }] }),
      "a sees b's offer",
    );
    assert.deepEqual(setB.theirs.items, [{ itemId: "cons-health-pack", name: "Health Pack", qty: 3 }]);
    assert.deepEqual(setB.mine, {
      items: [{ itemId: "w-katana", name: "Katana", qty: 1 }],
      information: 120,
    });

    const confirmedA = await next(
      () => trades(b),
      () => a.room.send("trade", { action: "confirm" }),
      "b sees a's confirm",
    );
    assert.deepEqual(confirmedA.confirmed, { mine: false, theirs: true });
    b.room.send("trade", { action: "confirm" });
    const doneA = await waitFor(() => trades(a).find((t) => t.state === "done"), { what: "done for a" });
    await waitFor(() => trades(b).find((t) => t.state === "done"), { what: "done for b" });
    assert.deepEqual(doneA.confirmed, { mine: true, theirs: true });

    // The inventories arrive before `done`.
    assert.equal(held(a, "w-katana"), 1);
    assert.equal(held(a, "cons-health-pack"), 3);
    assert.equal(inventory(a).at(-1)!.information, 180);
    assert.equal(held(b, "w-katana"), 1);
    assert.equal(held(b, "cons-health-pack"), 2);
    assert.equal(inventory(b).at(-1)!.information, 120);

    // After done, the window is gone.
    assert.equal((await refusal(a, { action: "confirm" })).code, "no_trade");

    const metrics = async () => String((await http(d.server.http, "GET", "/metrics")).body);
    assert.match(await metrics(), /mxo_trades_total\{result="done"\} 1\b/);
    assert.match(await metrics(), /mxo_game_events_total\{kind="trade"\} 2\b/);
    const summary = async (j: Joined) =>
      (await http(d.server.http, "GET", `/api/v1/admin/analytics/players/${j.p.characterId}`, { token }))
        .body;
    await waitFor(async () => (await summary(a)).trades === 1 && (await summary(b)).trades === 1, {
      what: "one trade in each player's analytics",
      timeoutMs: 8000,
      intervalMs: 250,
    });
    await waitFor(
      async () => new RegExp(`mxo_economy_information ${informationGiven}\\b`).test(await metrics()),
      { what: `mxo_economy_information ${informationGiven}`, timeoutMs: 10_000, intervalMs: 500 },
    );
  });

  it("a set after a confirm clears both confirmations; nothing moves until both confirm again", async () => {
    const [a, b] = await openPair();
    await give(a, "currency", 50);
    await next(
      () => trades(b),
      () => a.room.send("trade", { action: "set", items: [], information: 10 }),
      "offer",
    );
    await next(
      () => trades(b),
      () => a.room.send("trade", { action: "confirm" }),
      "a confirmed",
    );
    await next(
      () => trades(a),
      () => b.room.send("trade", { action: "confirm" }),
      "b confirmed",
    );
    // Both confirmed the 10: done. Now a second window where a changes its mind after b confirmed.
    await waitFor(() => trades(a).find((t) => t.state === "done"), { what: "first trade done" });
    await next(
      () => trades(a),
      () => a.room.send("trade", { action: "open", with: b.p.characterName }),
      "reopen",
    );
    await next(
      () => trades(a),
      () => a.room.send("trade", { action: "set", items: [], information: 5 }),
      "offer 5",
    );
    await next(
      () => trades(a),
      () => b.room.send("trade", { action: "confirm" }),
      "b confirmed",
    );
    await next(
      () => trades(a),
      () => a.room.send("trade", { action: "confirm" }),
      "a confirmed",
    );
    // That one went through too (b confirmed first this time).
    await waitFor(() => trades(a).filter((t) => t.state === "done").length === 2, { what: "second done" });

    await next(
      () => trades(a),
      () => a.room.send("trade", { action: "open", with: b.p.characterName }),
      "third window",
    );
    await next(
      () => trades(a),
      () => a.room.send("trade", { action: "set", items: [], information: 20 }),
      "offer 20",
    );
    await next(
      () => trades(a),
      () => b.room.send("trade", { action: "confirm" }),
      "b confirmed 20",
    );
    const changed = await next(
      () => trades(b),
      () => a.room.send("trade", { action: "set", items: [], information: 30 }),
      "a changes to 30",
    );
    assert.deepEqual(changed.confirmed, { mine: false, theirs: false }, "b's confirm is cleared");
    assert.equal(changed.theirs.information, 30);
    const onlyA = await next(
      () => trades(b),
      () => a.room.send("trade", { action: "confirm" }),
      "a confirms 30",
    );
    assert.deepEqual(onlyA.confirmed, { mine: false, theirs: true });
    assert.equal(onlyA.state, "updated", "no swap on a's confirm alone");
    assert.equal(inventory(a).at(-1)!.information, 35);
    assert.equal(inventory(b).at(-1)!.information, 15);
  });

  it("refuses what the player does not hold (not_owned, insufficient_funds), bound code (not_tradeable), an equipped item (equipped)", async () => {
    const [a] = await openPair();
    await give(a, "cons-health-pack", 2);
    await give(a, "currency", 40);
    const tooMany = await refusal(a, { action: "set", items: [{ itemId: "cons-health-pack", qty: 3 }] });
    assert.equal(tooMany.code, "not_owned");
    assert.match(tooMany.message, /Health Pack/);
    const none = await refusal(a, { action: "set", items: [{ itemId: "w-katana", qty: 1 }] });
    assert.equal(none.code, "not_owned");
    assert.match(none.message, /Katana/);
    const poor = await refusal(a, { action: "set", items: [], information: 41 });
    assert.equal(poor.code, "insufficient_funds");
    assert.match(poor.message, /40 Information/);
    await give(a, "code-a-hyperjump", 1);
    const bound = await refusal(a, { action: "set", items: [{ itemId: "code-a-hyperjump", qty: 1 }] });
    assert.equal(bound.code, "not_tradeable");
    assert.match(bound.message, /Hyper Jump Code/);
    assert.ok(!trades(a).some((t) => t.state === "updated"), "a refused set changes nothing");

    await give(a, "w-lead-pipe", 1);
    a.room.send("equip", { itemId: "w-lead-pipe" });
    await waitFor(
      () =>
        inventory(a)
          .at(-1)
          ?.items.find((i) => i.itemId === "w-lead-pipe")?.equipped,
      {
        what: "the lead pipe equipped",
      },
    );
    const equipped = await refusal(a, { action: "set", items: [{ itemId: "w-lead-pipe", qty: 1 }] });
    assert.equal(equipped.code, "equipped");
    assert.match(equipped.message, /Lead Pipe/i);
  });

  it("open is refused out of say range, for someone not here, with oneself, and while busy", async () => {
    const a = await join();
    const b = await join();
    const c = await join();
    const self = await refusal(a, { action: "open", with: a.p.characterName });
    assert.equal(self.code, "invalid_target");
    const nobody = await refusal(a, { action: "open", with: "NoSuchCharacter" });
    assert.equal(nobody.code, "out_of_reach");
    assert.match(nobody.message, /NoSuchCharacter is not here/);

    const pos = me(a.room);
    await gm("teleport", [c.p.characterName, String(Math.round(pos.x + 150)), String(Math.round(pos.y))]);
    await waitFor(() => Math.abs(me(c.room).x - (pos.x + 150)) < 5, { what: "c moved away" });
    const far = await refusal(a, { action: "open", with: c.p.characterName });
    assert.equal(far.code, "out_of_reach");
    assert.match(far.message, /units away; trade within 60/);

    await next(
      () => trades(b),
      () => a.room.send("trade", { action: "open", with: b.p.characterName }),
      "a and b trade",
    );
    await gm("teleport", [c.p.characterName, String(Math.round(pos.x)), String(Math.round(pos.y))]);
    await waitFor(() => Math.abs(me(c.room).x - pos.x) < 5, { what: "c came back" });
    const busy = await refusal(c, { action: "open", with: b.p.characterName });
    assert.equal(busy.code, "busy");
    assert.match(busy.message, new RegExp(`${b.p.characterName} is already trading`));
    const busyMe = await refusal(a, { action: "open", with: c.p.characterName });
    assert.equal(busyMe.code, "busy");

    const noTrade = await refusal(c, { action: "set", items: [], information: 0 });
    assert.equal(noTrade.code, "no_trade");
  });

  it("cancel closes the window for both with who cancelled, and nothing moves", async () => {
    const [a, b] = await openPair();
    await give(a, "currency", 10);
    await next(
      () => trades(b),
      () => a.room.send("trade", { action: "set", items: [], information: 10 }),
      "offer",
    );
    await next(
      () => trades(b),
      () => a.room.send("trade", { action: "confirm" }),
      "a confirms",
    );
    const cancelled = await next(
      () => trades(a),
      () => b.room.send("trade", { action: "cancel" }),
      "cancelled",
    );
    assert.equal(cancelled.state, "cancelled");
    assert.equal(cancelled.reason, `${b.p.characterName} cancelled the trade`);
    await waitFor(() => trades(b).at(-1)?.state === "cancelled", { what: "cancelled for b too" });
    assert.equal((await refusal(b, { action: "confirm" })).code, "no_trade");
    assert.equal(inventory(a).at(-1)!.information, 10);
  });

  it("a disconnect cancels the trade for the other", async () => {
    const [a, b] = await openPair();
    const n = trades(a).length;
    await b.room.leave();
    const cancelled = await waitFor(() => trades(a)[n], { what: "cancelled after b left" });
    assert.equal(cancelled.state, "cancelled");
    assert.equal(cancelled.reason, `${b.p.characterName} left`);
    assert.equal((await refusal(a, { action: "confirm" })).code, "no_trade");
    const metrics = String((await http(d.server.http, "GET", "/metrics")).body);
    assert.match(metrics, /mxo_trades_total\{result="cancelled"\} [1-9]/);
  });

  it("a travel or a GM kick cancels the trade for the other", async () => {
    const [a, b] = await openPair();
    const n = trades(b).length;
    a.room.send("travel", { district: "downtown" });
    const travelled = await waitFor(() => trades(b)[n], { what: "cancelled when a travels" });
    assert.equal(travelled.state, "cancelled");
    assert.equal(travelled.reason, `${a.p.characterName} is travelling`);

    const c = await join();
    await next(
      () => trades(c),
      () => b.room.send("trade", { action: "open", with: c.p.characterName }),
      "b and c trade",
    );
    const m = trades(b).length;
    await gm("kick", [c.p.characterName, "trade test"]);
    const kicked = await waitFor(() => trades(b)[m], { what: "cancelled when c is kicked" });
    assert.equal(kicked.state, "cancelled");
    assert.equal(kicked.reason, `${c.p.characterName} left`);
  });
});
