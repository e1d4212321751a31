import assert from "node:assert/strict";
import { InsufficientQuantityError } from "../../../../src/framework/economy/errors.js";
import type { LedgerBatch } from "../../../../src/framework/economy/ledgerOps.js";
import type { VendorMessage } from "../../../../src/mxo/contract/clientMessages.js";
import type { DistrictContext, Member } from "../../../../src/mxo/zone/DistrictContext.js";
import type { DistrictClient } from "../../../../src/mxo/zone/DistrictServices.js";
import { vendorTrade } from "../../../../src/mxo/zone/vendorTrade.js";

const NEO = "00000000-0000-4000-8000-00000000000a";
const PHARMACIST = {
  id: "rl-v-pharmacist",
  name: "Doc Halvorsen",
  x: 100,
  y: 100,
  z: 0,
  sells: [{ itemId: "cons-health-pack" }],
};

/** A room as far as a purchase needs one; the ledger answers with `answers` in turn (an Error is thrown). */
function room(answers: (Error | "ok" | "replayed")[]) {
  const member = {
    characterId: NEO,
    name: "Neo",
    equipment: {},
    abilities: [],
    holdings: { stacks: new Map<string, number>(), information: 100 },
  } as unknown as Member;
  const batches: LedgerBatch[] = [];
  const errors: { code: string; message: string }[] = [];
  const events: { kind: string; amount?: number }[] = [];
  const refreshed: string[] = [];
  const ctx = {
    def: { id: "richland", name: "Richland", vendors: [PHARMACIST] },
    members: new Map([["s1", member]]),
    content: {
      district: () => undefined,
      item: (id: string) =>
        id === "cons-health-pack"
          ? { id, name: "Health Pack", kind: "consumable", value: 25, tradeable: true }
          : undefined,
      items: [],
      ability: () => undefined,
    },
    sim: { player: () => ({ x: 102, y: 101 }) },
    isTraveling: () => false,
    services: {
      ledger: {
        applyAll: async (batch: LedgerBatch) => {
          batches.push(batch);
          const answer = answers.shift() ?? "ok";
          if (answer instanceof Error) throw answer;
          return { replayed: answer === "replayed", entries: [] };
        },
      },
      log: { error() {}, warn() {} },
    },
    inventory: { refresh: async (id: string) => void refreshed.push(id), held: () => 0 },
    error: (_c: DistrictClient, code: string, message: string) => errors.push({ code, message }),
    analytics: (_s: string, kind: string, amount?: number) => events.push({ kind, amount }),
  } as unknown as DistrictContext;
  const client = { sessionId: "s1" } as DistrictClient;
  const buy = (msg: Partial<VendorMessage>) =>
    vendorTrade(ctx, client, "buy", {
      vendorId: PHARMACIST.id,
      itemId: "cons-health-pack",
      qty: 2,
      ...msg,
    } as VendorMessage);
  return { buy, batches, errors, events, refreshed };
}

const fault = () => Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });

describe("vendorTrade: one ledger batch per purchase, retried under the same key", () => {
  it("retries a database fault with the same key: applied once, one analytics event", async () => {
    const r = room([fault(), "ok"]);
    await r.buy({ requestId: "req-1" });
    assert.equal(r.batches.length, 2);
    assert.equal(r.batches[0]!.idempotencyKey, `buy:${NEO}:req-1`);
    assert.equal(
      r.batches[1]!.idempotencyKey,
      r.batches[0]!.idempotencyKey,
      "the retry names the same purchase",
    );
    assert.deepEqual(r.batches[0]!.legs, [
      { characterId: NEO, itemId: "currency", quantity: -50, kind: "purchase" },
      { characterId: NEO, itemId: "cons-health-pack", quantity: 2, kind: "purchase" },
    ]);
    assert.deepEqual(r.events, [{ kind: "purchase", amount: 50 }]);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.refreshed, ["s1"]);
  });

  it("a replayed key (a resend) records no second analytics event", async () => {
    const r = room(["replayed"]);
    await r.buy({ requestId: "req-1" });
    assert.deepEqual(r.events, []);
    assert.deepEqual(r.errors, []);
  });

  it("without a requestId each message gets its own key", async () => {
    const r = room(["ok", "ok"]);
    await r.buy({});
    await r.buy({});
    assert.notEqual(r.batches[0]!.idempotencyKey, r.batches[1]!.idempotencyKey);
    assert.match(r.batches[0]!.idempotencyKey, new RegExp(`^buy:${NEO}:[0-9a-f-]{36}$`));
  });

  it("gives up after three faults with unavailable, and maps the ledger's refusal to insufficient_funds", async () => {
    const down = room([fault(), fault(), fault()]);
    await down.buy({ requestId: "req-2" });
    assert.equal(down.batches.length, 3);
    assert.equal(new Set(down.batches.map((b) => b.idempotencyKey)).size, 1);
    assert.deepEqual(
      down.errors.map((e) => e.code),
      ["unavailable"],
    );
    assert.deepEqual(down.events, []);

    const poor = room([new InsufficientQuantityError(NEO, "currency", 50, 30)]);
    await poor.buy({});
    assert.equal(poor.batches.length, 1, "a refusal is not retried");
    assert.deepEqual(poor.errors, [
      { code: "insufficient_funds", message: "2 × Health Pack costs 50 Information; you have 30" },
    ]);
    assert.deepEqual(poor.refreshed, ["s1"], "the stale reading is replaced");
  });
});
