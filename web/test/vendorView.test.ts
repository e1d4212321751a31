import assert from "node:assert/strict";
import {
  DEFAULT_VENDOR_REACH,
  offerRows,
  parseVendor,
  vendorInReach,
  type Vendor,
} from "../src/play/vendorView.js";

const A: Vendor = { id: "a", name: "Arms Dealer", x: 100, y: 100, sells: [{ itemId: "pistol", price: 200 }] };
const B: Vendor = { id: "b", name: "Tailor", x: 105, y: 100, sells: [], reach: 3 };

describe("vendor view (play client)", () => {
  it("picks the nearest vendor within its reach, none beyond", () => {
    assert.equal(vendorInReach([A, B], { x: 104, y: 100 })?.vendor.id, "b");
    assert.equal(vendorInReach([A, B], { x: 101, y: 100 })?.vendor.id, "a");
    // B's own reach is 3: at 4 units only A (default reach) is left.
    assert.equal(vendorInReach([A, B], { x: 109, y: 100 })?.vendor.id, "a");
    assert.equal(vendorInReach([A, B], { x: 100 + DEFAULT_VENDOR_REACH + 0.5, y: 100 + 5 }), undefined);
    assert.equal(vendorInReach([A], undefined), undefined);
    assert.equal(vendorInReach([A], { x: 103, y: 104 })?.distance, 5);
  });

  it("reads vendors from the route leniently: bad lines are dropped, names and reach kept", () => {
    const v = parseVendor({
      id: "v",
      name: "Fence",
      x: 1,
      y: 2,
      reach: 8,
      sells: [
        { itemId: "medkit", price: 25, name: "Medkit" },
        { itemId: "x" },
        null,
        { abilityId: "hyper_jump", price: 500 },
      ],
    });
    assert.deepEqual(v, {
      id: "v",
      name: "Fence",
      x: 1,
      y: 2,
      reach: 8,
      sells: [
        { itemId: "medkit", price: 25, name: "Medkit" },
        { itemId: "hyper_jump", price: 500, ability: true },
      ],
    });
    assert.equal(parseVendor({ name: "no id" }), undefined);
    assert.equal(parseVendor(null), undefined);
  });

  it("marks what the player cannot afford, and names lines by name when known", () => {
    const rows = offerRows(
      {
        ...A,
        sells: [
          { itemId: "pistol", price: 200, name: "Pistol" },
          { itemId: "rifle", price: 1500 },
        ],
      },
      1000,
    );
    assert.deepEqual(
      rows.map((r) => [r.name, r.price, r.affordable]),
      [
        ["Pistol", "200 info", true],
        ["rifle", "1,500 info", false],
      ],
    );
    assert.ok(
      offerRows(A, undefined).every((r) => r.affordable),
      "unknown funds: the server decides",
    );
  });
});
