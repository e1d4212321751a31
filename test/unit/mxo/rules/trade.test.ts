import assert from "node:assert/strict";
import {
  canCancel,
  checkOffer,
  confirm,
  isEmptyTrade,
  openWindow,
  otherSide,
  setOffer,
  sideOf,
  swapGives,
  type TradeItemInfo,
  type TraderHoldings,
} from "../../../../src/mxo/rules/trade.js";

const ITEMS: Record<string, TradeItemInfo> = {
  "w-katana": { name: "Katana", tradeable: true },
  "c-medkit": { name: "Medkit", tradeable: true },
  "code-hyperjump": { name: "Hyper Jump code", tradeable: false },
};
const name = (id: string) => ITEMS[id];

const holds = (stacks: Record<string, number>, information = 0, equipped: string[] = []): TraderHoldings => ({
  stacks: new Map(Object.entries(stacks)),
  information,
  equipped,
});

describe("trade rules", () => {
  it("a window opens empty and unconfirmed, with a side for each trader", () => {
    const w = openWindow("t1", "s-a", "s-b");
    assert.equal(sideOf(w, "s-a"), "a");
    assert.equal(sideOf(w, "s-b"), "b");
    assert.equal(sideOf(w, "s-c"), undefined);
    assert.equal(otherSide("a"), "b");
    assert.deepEqual(w.confirmed, { a: false, b: false });
    assert.equal(w.phase, "open");
    assert.ok(isEmptyTrade(w));
  });

  it("both confirming makes it ready and locks it; one confirm waits", () => {
    const w = openWindow("t1", "s-a", "s-b");
    setOffer(w, "a", { items: [{ itemId: "w-katana", qty: 1 }], information: 0 });
    assert.equal(confirm(w, "a"), "waiting");
    assert.deepEqual(w.confirmed, { a: true, b: false });
    assert.equal(confirm(w, "b"), "ready");
    assert.equal(w.phase, "swapping");
  });

  it("any set clears both confirmations, the other side's too", () => {
    const w = openWindow("t1", "s-a", "s-b");
    confirm(w, "a");
    assert.equal(setOffer(w, "b", { items: [], information: 5 }), undefined);
    assert.deepEqual(w.confirmed, { a: false, b: false });
    confirm(w, "a");
    confirm(w, "a");
    assert.equal(w.phase, "open", "one side confirming twice is not both");
    assert.equal(setOffer(w, "a", { items: [], information: 0 }), undefined);
    assert.deepEqual(w.confirmed, { a: false, b: false }, "even a set that changes nothing");
  });

  it("once swapping, a set, a confirm and a cancel are refused (busy), and the offers stay as confirmed", () => {
    const w = openWindow("t1", "s-a", "s-b");
    setOffer(w, "a", { items: [{ itemId: "w-katana", qty: 2 }], information: 10 });
    confirm(w, "a");
    confirm(w, "b");
    const offered = structuredClone(w.offers);
    assert.equal(setOffer(w, "b", { items: [], information: 99 })?.code, "busy");
    assert.equal((confirm(w, "a") as { code: string }).code, "busy");
    assert.equal(canCancel(w)?.code, "busy");
    assert.deepEqual(w.offers, offered);
    assert.deepEqual(w.confirmed, { a: true, b: true });
  });

  it("a cancel is allowed while open", () => {
    assert.equal(canCancel(openWindow("t", "a", "b")), undefined);
  });

  it("an offer is copied: changing the message afterwards changes nothing", () => {
    const w = openWindow("t1", "s-a", "s-b");
    const offer = { items: [{ itemId: "w-katana", qty: 1 }], information: 0 };
    setOffer(w, "a", offer);
    offer.items[0]!.qty = 50;
    assert.equal(w.offers.a.items[0]!.qty, 1);
  });

  describe("checkOffer", () => {
    it("accepts what is held", () => {
      const offer = { items: [{ itemId: "w-katana", qty: 2 }], information: 30 };
      assert.equal(checkOffer(offer, holds({ "w-katana": 2 }, 30), name), undefined);
    });

    it("refuses more than held (not_owned), naming the item", () => {
      const none = checkOffer({ items: [{ itemId: "w-katana", qty: 1 }], information: 0 }, holds({}), name);
      assert.deepEqual(none, { code: "not_owned", message: "You have no Katana" });
      const few = checkOffer(
        { items: [{ itemId: "c-medkit", qty: 3 }], information: 0 },
        holds({ "c-medkit": 2 }),
        name,
      );
      assert.deepEqual(few, { code: "not_owned", message: "You have only 2 Medkit, not 3" });
    });

    it("refuses an equipped item (equipped), but not the rest of its stack", () => {
      const h = holds({ "w-katana": 2 }, 0, ["w-katana"]);
      const one = { items: [{ itemId: "w-katana", qty: 1 }], information: 0 };
      const two = { items: [{ itemId: "w-katana", qty: 2 }], information: 0 };
      assert.equal(checkOffer(one, h, name), undefined);
      assert.equal(checkOffer(two, h, name)?.code, "equipped");
      assert.match(checkOffer(two, h, name)!.message, /Katana is equipped/);
      assert.equal(checkOffer(one, holds({ "w-katana": 1 }, 0, ["w-katana"]), name)?.code, "equipped");
    });

    it("refuses more Information than held (insufficient_funds)", () => {
      const r = checkOffer({ items: [], information: 31 }, holds({}, 30), name);
      assert.deepEqual(r, { code: "insufficient_funds", message: "You have 30 Information, not 31" });
    });

    it("refuses what is bound to its owner (not_tradeable), held or not", () => {
      const offer = { items: [{ itemId: "code-hyperjump", qty: 1 }], information: 0 };
      const r = checkOffer(offer, holds({ "code-hyperjump": 1 }), name);
      assert.deepEqual(r, {
        code: "not_tradeable",
        message: "Hyper Jump code is bound to you and cannot be traded",
      });
    });

    it("Information cannot be smuggled in as an item", () => {
      const r = checkOffer({ items: [{ itemId: "currency", qty: 5 }], information: 0 }, holds({}, 100), name);
      assert.equal(r?.code, "not_owned");
    });
  });

  it("swapGives lists each side's items and Information as ledger gives", () => {
    const w = openWindow("t1", "s-a", "s-b");
    setOffer(w, "a", { items: [{ itemId: "w-katana", qty: 1 }], information: 25 });
    setOffer(w, "b", { items: [{ itemId: "c-medkit", qty: 4 }], information: 0 });
    assert.deepEqual(swapGives(w), {
      a: [
        { itemId: "w-katana", quantity: 1 },
        { itemId: "currency", quantity: 25 },
      ],
      b: [{ itemId: "c-medkit", quantity: 4 }],
    });
    assert.ok(!isEmptyTrade(w));
  });
});
