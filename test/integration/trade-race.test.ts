import assert from "node:assert/strict";
import type { Room } from "@colyseus/sdk";
import { DataSource } from "typeorm";
import { http, joinDistrict, me, newPlayer, sleep, waitFor, type TestPlayer } from "../helpers/api.js";
import { received } from "../helpers/client.js";
import { figure } from "../helpers/figures.js";
import { ADMIN, processIdOf, startCluster, type TestCluster } from "../helpers/cluster.js";
import { LedgerService } from "../../src/framework/economy/LedgerService.js";
import { entities } from "../../src/framework/persistence/database.js";
import { TypeormLedgerStore } from "../../src/framework/persistence/typeorm/TypeormLedgerStore.js";
import type { InventoryUpdate, TradeUpdate } from "../../src/mxo/contract/serverMessages.js";

type Who = "a" | "b";
type Joined = { p: TestPlayer; room: Room<any> };
type Holdings = Map<string, number>;

interface GmAct {
  command: "give" | "take";
  who: Who;
  itemId: string;
  qty: number;
}

/**
 * Each round: a offers 2 Katana and 300 Information, b offers 4 Health Packs
 * and 100 Information; then, at the same moment, the last confirm(s), a GM on
 * the process that does not host the room giving or taking, and one of the
 * two starting a travel.
 */
const ROUNDS: {
  name: string;
  confirmFirst: Who[];
  confirmAtOnce: Who[];
  gm: GmAct[];
  /** The GM's calls start this long before the confirms (0: together). */
  gmLeadMs?: number;
  traveller: Who;
}[] = [
  {
    name: "b confirms as the GM gives a more Katana and a travels",
    confirmFirst: ["a"],
    confirmAtOnce: ["b"],
    gm: [{ command: "give", who: "a", itemId: "w-katana", qty: 2 }],
    traveller: "a",
  },
  {
    name: "both confirm at once as the GM takes every Health Pack of b and b travels",
    confirmFirst: [],
    confirmAtOnce: ["a", "b"],
    gm: [{ command: "take", who: "b", itemId: "cons-health-pack", qty: 5 }],
    traveller: "b",
  },
  {
    name: "a confirms as the GM takes a's Information, gives b some, and a travels",
    confirmFirst: ["b"],
    confirmAtOnce: ["a"],
    gm: [
      { command: "take", who: "a", itemId: "currency", qty: 400 },
      { command: "give", who: "b", itemId: "currency", qty: 30 },
    ],
    traveller: "a",
  },
  {
    name: "the GM takes a's Katana a moment before b's confirm (a confirmed first), and b travels",
    confirmFirst: ["a"],
    confirmAtOnce: ["b"],
    gm: [{ command: "take", who: "a", itemId: "w-katana", qty: 3 }],
    gmLeadMs: 400,
    traveller: "b",
  },
];

const OFFERS: Record<Who, { items: { itemId: string; qty: number }[]; information: number }> = {
  a: { items: [{ itemId: "w-katana", qty: 2 }], information: 300 },
  b: { items: [{ itemId: "cons-health-pack", qty: 4 }], information: 100 },
};
const START: Record<Who, [string, number][]> = {
  a: [
    ["w-katana", 3],
    ["currency", 500],
  ],
  b: [
    ["cons-health-pack", 5],
    ["currency", 200],
  ],
};

const trades = (j: Joined) => received<TradeUpdate>(j.room, "trade");
const inventories = (j: Joined) => received<InventoryUpdate>(j.room, "inventory");

function add(into: Holdings, itemId: string, qty: number): void {
  const v = (into.get(itemId) ?? 0) + qty;
  if (v === 0) into.delete(itemId);
  else into.set(itemId, v);
}

describe("trade race: confirms, a GM on another process and a travel at once (PostgreSQL, Redis, two processes)", function () {
  this.timeout(240_000);
  let c: TestCluster;
  let token: string;
  let db: DataSource;
  let ledger: LedgerService;
  const rooms: Room<any>[] = [];

  /** What the ledger says a character holds, Information as "currency". */
  const holdings = async (characterId: string): Promise<Holdings> => {
    const h: Holdings = new Map();
    for (const s of await ledger.inventory(characterId)) h.set(s.itemId, s.quantity);
    const info = await ledger.balance(characterId);
    if (info) h.set("currency", info);
    return h;
  };
  const gm = (base: string, act: { command: string; args: string[] }) =>
    http(base, "POST", "/api/v1/admin/commands", { token, body: act });

  before(async () => {
    c = await startCluster(2, { GM_BULK_GIVE_THRESHOLD: "1000000", MAX_MESSAGES_PER_SECOND: "200" });
    token = (await http(c.servers[0]!.http, "POST", "/auth/login", { body: ADMIN })).body.token;
    db = new DataSource({ type: "postgres", url: c.databaseUrl, entities, synchronize: false });
    await db.initialize();
    ledger = new LedgerService(new TypeormLedgerStore(db));
  });
  after(async () => {
    for (const r of rooms) if (r.connection.isOpen) await r.leave().catch(() => {});
    if (db?.isInitialized) await db.destroy();
    await c?.cleanup();
  });

  for (const round of ROUNDS) {
    it(round.name, async function () {
      const [host] = c.servers;
      const join = async (): Promise<Joined> => {
        const p = await newPlayer(host!.http);
        const { room } = await joinDistrict(host!.ws, p, "richland");
        rooms.push(room);
        return { p, room };
      };
      const j: Record<Who, Joined> = { a: await join(), b: await join() };
      assert.equal(j.a.room.roomId, j.b.room.roomId, "both in one room");
      await waitFor(() => me(j.a.room) && me(j.b.room) && inventories(j.a)[0] && inventories(j.b)[0], {
        what: "both in play",
      });
      // The GM acts through the process that does not host the room.
      const listed = (await http(host!.http, "GET", "/api/v1/admin/districts", { token })).body as any[];
      const roomProcess = listed.find((r) => r.roomId === j.a.room.roomId)?.processId;
      assert.ok(roomProcess, "the room is listed");
      const other = c.servers.find((s) => processIdOf(s) !== roomProcess)!;
      assert.ok(other, "a process that does not host the room");

      for (const who of ["a", "b"] as const) {
        for (const [itemId, qty] of START[who]) {
          const res = await gm(other.http, {
            command: "give",
            args: [j[who].p.characterName, itemId, String(qty)],
          });
          assert.equal(res.status, 200, JSON.stringify(res.body));
        }
      }
      await waitFor(
        () =>
          (["a", "b"] as const).every(
            (who) =>
              inventories(j[who]).at(-1)?.information === START[who].find(([i]) => i === "currency")![1],
          ) &&
          inventories(j.a)
            .at(-1)!
            .items.some((i) => i.itemId === "w-katana" && i.qty === 3) &&
          inventories(j.b)
            .at(-1)!
            .items.some((i) => i.itemId === "cons-health-pack" && i.qty === 5),
        { what: "the starting inventories", timeoutMs: 15_000 },
      );

      // Open, set both sides, and the confirms that come before the race.
      j.a.room.send("trade", { action: "open", with: j.b.p.characterName });
      await waitFor(() => trades(j.b).find((t) => t.state === "open"), { what: "the window" });
      for (const who of ["a", "b"] as const) j[who].room.send("trade", { action: "set", ...OFFERS[who] });
      const bothSet = (t: TradeUpdate | undefined) =>
        t && t.mine.information === OFFERS.a.information && t.theirs.information === OFFERS.b.information;
      await waitFor(() => bothSet(trades(j.a).at(-1)), { what: "both offers set" });
      for (const who of round.confirmFirst) j[who].room.send("trade", { action: "confirm" });
      if (round.confirmFirst.length) {
        await waitFor(
          () => trades(j.a).at(-1)?.confirmed.mine === true || trades(j.b).at(-1)?.confirmed.mine,
          {
            what: "the first confirm",
          },
        );
      }

      const before = { a: await holdings(j.a.p.characterId), b: await holdings(j.b.p.characterId) };

      // The race: everything at once.
      const traveller = j[round.traveller];
      const stayer = j[round.traveller === "a" ? "b" : "a"];
      const travelled = new Promise<string>((resolve) => {
        traveller.room.onMessage("travel", () => resolve("travelled"));
        traveller.room.onMessage("error", (e: { code: string }) => {
          if (["not_at_hardline", "travel_failed", "unavailable"].includes(e.code)) resolve(e.code);
        });
      });
      const gmCalls = Promise.all(
        round.gm.map(async (act) => ({
          act,
          res: await gm(other.http, {
            command: act.command,
            args: [j[act.who].p.characterName, act.itemId, String(act.qty)],
          }),
        })),
      );
      if (round.gmLeadMs) await sleep(round.gmLeadMs);
      for (const who of round.confirmAtOnce) j[who].room.send("trade", { action: "confirm" });
      traveller.room.send("travel", { district: "downtown" });
      const gmResults = await gmCalls;
      assert.equal(await travelled, "travelled", "the travel went ahead");
      const ended = await waitFor(
        () => trades(stayer).find((t) => t.state === "done" || t.state === "cancelled"),
        {
          what: "the trade's end for the player who stayed",
          timeoutMs: 15_000,
        },
      );
      // Let every ledger write that was started land before reading.
      await sleep(500);

      const after = { a: await holdings(j.a.p.characterId), b: await holdings(j.b.p.characterId) };
      for (const who of ["a", "b"] as const) {
        assert.deepEqual(await ledger.verifyLedger(j[who].p.characterId), { ok: true, mismatches: [] });
      }

      // What the GM did, by its answers: 200 applied, a refused take (not enough) applied nothing.
      const gmDelta: Record<Who, Holdings> = { a: new Map(), b: new Map() };
      for (const { act, res } of gmResults) {
        if (res.status === 200)
          add(gmDelta[act.who], act.itemId, act.command === "give" ? act.qty : -act.qty);
        else assert.equal(act.command, "take", `a give must not fail: ${JSON.stringify(res.body)}`);
      }
      // The ledger agrees: its GM entries for the two are the starting gives and what was answered 200.
      const gmRows: { character_id: string; item_id: string; total: string }[] = await db.query(
        `SELECT character_id, item_id, sum(quantity)::text AS total FROM ledger_entries
          WHERE character_id = ANY($1) AND kind IN ('gm_give', 'gm_take') GROUP BY character_id, item_id`,
        [[j.a.p.characterId, j.b.p.characterId]],
      );
      for (const who of ["a", "b"] as const) {
        const expected = new Map(START[who]);
        for (const [item, q] of gmDelta[who]) add(expected, item, q);
        const fromLedger: Holdings = new Map();
        for (const r of gmRows.filter((r) => r.character_id === j[who].p.characterId)) {
          add(fromLedger, r.item_id, Number(r.total));
        }
        assert.deepEqual(fromLedger, expected, `the GM's entries for ${who}`);
      }

      // The swap: every leg or none, and the players were told what the ledger did.
      const legs: { character_id: string; item_id: string; quantity: string }[] = await db.query(
        `SELECT character_id, item_id, quantity::text FROM ledger_entries
          WHERE character_id = ANY($1) AND kind = 'trade'`,
        [[j.a.p.characterId, j.b.p.characterId]],
      );
      const swapped = legs.length > 0;
      assert.ok(legs.length === 0 || legs.length === 8, `all legs or none, found ${legs.length}`);
      assert.equal(
        swapped,
        ended.state === "done",
        `the stayer was told ${ended.state}: ${ended.reason ?? ""}`,
      );
      const tradeDelta: Record<Who, Holdings> = { a: new Map(), b: new Map() };
      for (const l of legs) {
        add(tradeDelta[l.character_id === j.a.p.characterId ? "a" : "b"], l.item_id, Number(l.quantity));
      }
      if (swapped) {
        assert.deepEqual(
          tradeDelta.a,
          new Map([
            ["w-katana", -2],
            ["currency", -200],
            ["cons-health-pack", 4],
          ]),
        );
      }

      // Each character: before + what the GM did + the swap. Both together: before + the GM.
      for (const who of ["a", "b"] as const) {
        const expected = new Map(before[who]);
        for (const [item, q] of gmDelta[who]) add(expected, item, q);
        for (const [item, q] of tradeDelta[who]) add(expected, item, q);
        assert.deepEqual(after[who], expected, `${who}'s holdings`);
      }
      const total = (h: Holdings[]) => {
        const t: Holdings = new Map();
        for (const one of h) for (const [item, q] of one) add(t, item, q);
        return t;
      };
      const expectedTotal = total([before.a, before.b, gmDelta.a, gmDelta.b]);
      assert.deepEqual(total([after.a, after.b]), expectedTotal, "nothing created or lost across both");
      figure(
        this,
        `${ended.state}${ended.reason ? `: ${ended.reason}` : ""}; GM ${gmResults
          .map((g) => `${g.act.command} ${g.res.status}`)
          .join(", ")}`,
      );
    });
  }
});
