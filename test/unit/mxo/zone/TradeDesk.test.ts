import assert from "node:assert/strict";
import { InsufficientQuantityError } from "../../../../src/framework/economy/errors.js";
import type { SwapOp } from "../../../../src/framework/economy/ledgerOps.js";
import { Metrics } from "../../../../src/framework/metrics/metrics.js";
import type { TradeUpdate } from "../../../../src/mxo/contract/serverMessages.js";
import type { DistrictContext, Member } from "../../../../src/mxo/zone/DistrictContext.js";
import { TradeDesk } from "../../../../src/mxo/zone/TradeDesk.js";

const A = "00000000-0000-4000-8000-00000000000a";
const B = "00000000-0000-4000-8000-00000000000b";

interface Deferred {
  resolve(): void;
  reject(err: unknown): void;
}

/** A room as far as the desk needs one: two members, a ledger whose answers the test decides. */
function room() {
  const members = new Map<string, Member>();
  const member = (characterId: string, name: string, stacks: Record<string, number>, information: number) =>
    ({
      characterId,
      accountId: `acc-${name}`,
      name,
      equipment: {},
      holdings: { stacks: new Map(Object.entries(stacks)), information },
    }) as unknown as Member;
  members.set("sa", member(A, "Neo", { "w-katana": 2 }, 100));
  members.set("sb", member(B, "Trinity", { "cons-health-pack": 3 }, 50));
  const told: { to: string; msg: TradeUpdate }[] = [];
  const swaps: { op: SwapOp; answer: Deferred }[] = [];
  const refreshed: string[] = [];
  const events: unknown[] = [];
  const metrics = new Metrics();
  const names: Record<string, string> = { "w-katana": "Katana", "cons-health-pack": "Health Pack" };
  const ctx = {
    def: { id: "richland" },
    members,
    content: { item: (id: string) => names[id] && { name: names[id], tradeable: true } },
    services: {
      ledger: {
        swap: (op: SwapOp) =>
          new Promise<void>((resolve, reject) => swaps.push({ op, answer: { resolve, reject } })),
      },
      metrics,
      events: { record: (e: unknown) => events.push(e) },
      log: { warn() {}, info() {}, error() {} },
    },
    inventory: { refresh: async (id: string) => void refreshed.push(id) },
    tell: (ids: Iterable<string>, type: string, msg: TradeUpdate) => {
      assert.equal(type, "trade");
      for (const to of ids) told.push({ to, msg });
    },
  } as unknown as DistrictContext;
  const desk = new TradeDesk(ctx);
  const last = (to: string) => told.filter((t) => t.to === to).at(-1)?.msg;
  const count = async (result: string) =>
    (await metrics.trades.get()).values.find((v) => v.labels.result === result)?.value ?? 0;
  return { desk, members, told, swaps, refreshed, events, last, count };
}

/** Opens, sets both sides and confirms both: the swap is under way. */
function readyTrade(r: ReturnType<typeof room>) {
  r.desk.open("sa", "sb");
  assert.equal(r.desk.set("sa", { items: [{ itemId: "w-katana", qty: 1 }], information: 40 }), undefined);
  assert.equal(
    r.desk.set("sb", { items: [{ itemId: "cons-health-pack", qty: 2 }], information: 0 }),
    undefined,
  );
  assert.equal(r.desk.confirm("sa"), undefined);
  assert.equal(r.desk.confirm("sb"), undefined);
}

const settle = () => new Promise((r) => setImmediate(r));

describe("TradeDesk: the room's trade windows and their swap", () => {
  it("both confirms start one swap keyed by the trade; done after both inventories are read again", async () => {
    const r = room();
    readyTrade(r);
    assert.equal(r.swaps.length, 1);
    const { op } = r.swaps[0]!;
    assert.equal(op.a, A);
    assert.deepEqual(op.aGives, [
      { itemId: "w-katana", quantity: 1 },
      { itemId: "currency", quantity: 40 },
    ]);
    assert.deepEqual(op.bGives, [{ itemId: "cons-health-pack", quantity: 2 }]);
    assert.match(op.idempotencyKey, /^trade:[0-9a-f-]{36}$/);
    // Nothing can change or end it while the ledger works.
    assert.equal(r.desk.set("sa", { items: [], information: 0 })?.code, "busy");
    assert.equal(r.desk.cancel("sb")?.code, "busy");
    assert.equal(r.desk.confirm("sb")?.code, "busy");
    r.desk.end("sa", "left");
    assert.equal(r.last("sb")?.state, "updated");
    r.swaps[0]!.answer.resolve();
    await settle();
    assert.equal(r.swaps.length, 1, "one swap, whatever arrived meanwhile");
    assert.deepEqual(r.refreshed.sort(), ["sa", "sb"]);
    assert.equal(r.last("sa")?.state, "done");
    assert.equal(r.last("sb")?.state, "done");
    assert.equal(r.desk.tradeOf("sa"), undefined);
    assert.equal(await r.count("done"), 1);
    assert.equal(r.events.length, 2, "one analytics event per side");
  });

  it("a database fault is retried under the same key until the ledger answers", async function () {
    this.timeout(10_000);
    const r = room();
    readyTrade(r);
    r.swaps[0]!.answer.reject(new Error("Connection terminated unexpectedly"));
    await waitUntil(() => r.swaps.length === 2);
    r.swaps[1]!.answer.reject(new Error("Connection terminated unexpectedly"));
    await waitUntil(() => r.swaps.length === 3);
    assert.equal(new Set(r.swaps.map((s) => s.op.idempotencyKey)).size, 1, "the same key every time");
    r.swaps[2]!.answer.resolve();
    await waitUntil(() => r.last("sa")?.state === "done");
    assert.equal(await r.count("failed"), 0);
  });

  it("a ledger refusal (an item taken meanwhile) cancels with the reason and counts as failed", async () => {
    const r = room();
    readyTrade(r);
    r.swaps[0]!.answer.reject(new InsufficientQuantityError(B, "cons-health-pack", 2, 0));
    await settle();
    assert.equal(r.swaps.length, 1, "a refusal is not retried");
    const told = r.last("sa")!;
    assert.equal(told.state, "cancelled");
    assert.equal(told.reason, "Trinity no longer has the Health Pack offered; nothing was exchanged");
    assert.equal(r.last("sb")?.state, "cancelled");
    assert.deepEqual(r.refreshed.sort(), ["sa", "sb"], "both see what they really hold");
    assert.equal(await r.count("failed"), 1);
    assert.equal(r.events.length, 0);
  });

  it("the second confirm cancels when the first side's offer no longer holds (equipped since)", () => {
    const r = room();
    r.desk.open("sa", "sb");
    r.desk.set("sa", { items: [{ itemId: "w-katana", qty: 2 }], information: 0 });
    assert.equal(r.desk.confirm("sa"), undefined);
    r.members.get("sa")!.equipment.weapon = "w-katana";
    assert.equal(r.desk.confirm("sb"), undefined);
    assert.equal(r.swaps.length, 0);
    assert.equal(r.last("sb")?.state, "cancelled");
    assert.equal(r.last("sb")?.reason, "Neo can no longer hand over what was offered; nothing was exchanged");
  });

  it("a confirm is refused when one's own side no longer holds; a leave cancels for the other only", async () => {
    const r = room();
    r.desk.open("sa", "sb");
    r.desk.set("sb", { items: [], information: 50 });
    r.members.get("sb")!.holdings!.information = 10;
    assert.equal(r.desk.confirm("sb")?.code, "insufficient_funds");
    r.desk.end("sb", "left");
    assert.equal(r.last("sa")?.state, "cancelled");
    assert.equal(r.last("sa")?.reason, "Trinity left");
    assert.equal(r.desk.tradeOf("sa"), undefined);
    assert.equal(await r.count("cancelled"), 1);
  });

  it("a trade with nothing on either side ends done without the ledger", () => {
    const r = room();
    r.desk.open("sa", "sb");
    r.desk.confirm("sa");
    r.desk.confirm("sb");
    assert.equal(r.swaps.length, 0);
    assert.equal(r.last("sa")?.state, "done");
  });
});

async function waitUntil(fn: () => boolean, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}
