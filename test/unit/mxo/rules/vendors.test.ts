import assert from "node:assert/strict";
import {
  BUY_BACK_RATE,
  buyBackPrice,
  checkPurchase,
  checkSale,
  salePrice,
  tradeLegs,
  VENDOR_REACH,
  vendorKey,
  type VendorView,
  type WareItem,
} from "../../../../src/mxo/rules/vendors.js";

const KATANA: WareItem = { id: "katana", name: "Katana", kind: "weapon", value: 2600, tradeable: true };
const PACK: WareItem = { id: "pack", name: "Health Pack", kind: "consumable", value: 25, tradeable: true };
const CODE: WareItem = { id: "code-x", name: "Flurry Code", kind: "code", value: 900, tradeable: false };
const DISK: WareItem = { id: "disk", name: "Data Disk", kind: "mission", value: 0, tradeable: false };
const WU: VendorView = {
  id: "wu",
  name: "Old Man Wu",
  x: 100,
  y: 100,
  sells: [{ itemId: "katana" }, { itemId: "pack", price: 30 }],
};
const HERE = { x: 103, y: 104 };

describe("vendor rules", () => {
  it("prices: the ware's own price, else the item's value; buy-back a quarter of the value", () => {
    assert.equal(salePrice({ itemId: "katana" }, KATANA), 2600);
    assert.equal(salePrice({ itemId: "pack", price: 30 }, PACK), 30);
    assert.equal(BUY_BACK_RATE, 0.25);
    assert.equal(buyBackPrice(KATANA), 650);
    assert.equal(buyBackPrice({ ...PACK, value: 2 }), 1, "something of value fetches at least 1");
    assert.equal(buyBackPrice(CODE), 0, "code is bound to its owner: vendors do not buy it");
    assert.equal(buyBackPrice(DISK), 0);
  });

  it("a purchase within reach, sold here and affordable costs price × qty", () => {
    const ok = checkPurchase({ vendor: WU, item: PACK, itemId: "pack", qty: 3, at: HERE, information: 90 });
    assert.deepEqual(ok, { ok: true, total: 90 });
    const unknownFunds = checkPurchase({
      vendor: WU,
      item: KATANA,
      itemId: "katana",
      qty: 1,
      at: HERE,
      information: undefined,
    });
    assert.deepEqual(unknownFunds, { ok: true, total: 2600 }, "before the first reading the ledger decides");
  });

  it("refuses out of reach, not sold here and insufficient funds, naming vendor and item", () => {
    const far = checkPurchase({
      vendor: WU,
      item: PACK,
      itemId: "pack",
      qty: 1,
      at: { x: 100 + VENDOR_REACH + 1, y: 100 },
      information: 1000,
    });
    assert.equal(far.ok ? "ok" : far.code, "out_of_reach");
    assert.match(far.ok ? "" : far.message, /Old Man Wu is 9 units away/);
    const edge = checkPurchase({
      vendor: WU,
      item: PACK,
      itemId: "pack",
      qty: 1,
      at: { x: 100 + VENDOR_REACH, y: 100 },
      information: 1000,
    });
    assert.equal(edge.ok, true, "exactly at reach is within reach");
    const other = checkPurchase({
      vendor: WU,
      item: CODE,
      itemId: "code-x",
      qty: 1,
      at: HERE,
      information: 1000,
    });
    assert.deepEqual(other, {
      ok: false,
      code: "not_sold_here",
      message: "Old Man Wu does not sell Flurry Code",
    });
    const poor = checkPurchase({
      vendor: WU,
      item: KATANA,
      itemId: "katana",
      qty: 2,
      at: HERE,
      information: 5199,
    });
    assert.deepEqual(poor, {
      ok: false,
      code: "insufficient_funds",
      message: "2 × Katana costs 5,200 Information; you have 5,199",
    });
  });

  it("refuses ability code the character already knows, before asking for money", () => {
    const broker: VendorView = { ...WU, sells: [{ itemId: "code-x" }] };
    const known = checkPurchase({
      vendor: broker,
      item: CODE,
      itemId: "code-x",
      qty: 1,
      at: HERE,
      information: 0,
      knownAbility: "Flurry of Blows",
    });
    assert.deepEqual(known, { ok: false, code: "duplicate", message: "You already know Flurry of Blows" });
  });

  it("a sale needs that many held besides an equipped one, and an item vendors buy", () => {
    const sale = (item: WareItem, qty: number, held: number, equipped = false) => {
      const r = checkSale({ vendor: WU, item, itemId: item.id, qty, at: HERE, held, equipped });
      return r.ok ? r.total : r.code;
    };
    assert.equal(sale(KATANA, 1, 1), 650);
    assert.equal(sale(PACK, 4, 5), 24);
    assert.equal(sale(KATANA, 1, 0), "not_owned");
    assert.equal(sale(PACK, 6, 5), "not_owned");
    assert.equal(sale(KATANA, 1, 1, true), "equipped");
    assert.equal(sale(KATANA, 1, 2, true), 650, "a second, unequipped katana can go");
    assert.equal(sale(CODE, 1, 1), "not_sold_here");
    assert.equal(sale(DISK, 1, 1), "not_sold_here");
    const far = checkSale({
      vendor: WU,
      item: KATANA,
      itemId: "katana",
      qty: 1,
      at: { x: 0, y: 0 },
      held: 1,
      equipped: false,
    });
    assert.equal(far.ok ? "ok" : far.code, "out_of_reach");
  });

  it("ledger legs: Information out and items in for a purchase, the reverse for a sale", () => {
    const c = "00000000-0000-4000-8000-000000000001";
    assert.deepEqual(tradeLegs("purchase", c, "katana", 1, 2600, "currency"), [
      { characterId: c, itemId: "currency", quantity: -2600, kind: "purchase" },
      { characterId: c, itemId: "katana", quantity: 1, kind: "purchase" },
    ]);
    assert.deepEqual(tradeLegs("sale", c, "pack", 4, 24, "currency"), [
      { characterId: c, itemId: "currency", quantity: 24, kind: "sale" },
      { characterId: c, itemId: "pack", quantity: -4, kind: "sale" },
    ]);
    assert.equal(tradeLegs("purchase", c, "pack", 1, 0, "currency").length, 1, "no leg of 0 Information");
    assert.equal(vendorKey("buy", c, "r1"), `buy:${c}:r1`);
    assert.notEqual(vendorKey("buy", c, "r1"), vendorKey("sell", c, "r1"));
  });
});
