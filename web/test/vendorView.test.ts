import assert from "node:assert/strict";
import {
  DEFAULT_VENDOR_REACH,
  buyBackText,
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
    // B is nearer but its own reach is 3 (3.2 away): only A, within the default reach, is left.
    assert.equal(vendorInReach([A, B], { x: 104, y: 97 })?.vendor.id, "a");
    assert.equal(vendorInReach([A, B], { x: 100 + DEFAULT_VENDOR_REACH + 0.5, y: 100 + 5 }), undefined);
    assert.equal(vendorInReach([A], undefined), undefined);
    assert.equal(vendorInReach([A], { x: 103, y: 104 })?.distance, 5);
  });

  it("reads vendors as GET /api/v1/districts lists them, dropping malformed lines", () => {
    const v = parseVendor({
      id: "v",
      name: "Fence",
      x: 1,
      y: 2,
      buyBackRate: 0.25,
      sells: [
        { itemId: "cons-health-pack", name: "Health Pack", kind: "consumable", price: 25, ability: null },
        { itemId: "x" },
        null,
        {
          itemId: "code-a-hyperjump",
          name: "Hyper Jump Code",
          kind: "code",
          price: 500,
          ability: { id: "a-hyperjump", name: "Hyper Jump" },
        },
      ],
    });
    assert.deepEqual(v, {
      id: "v",
      name: "Fence",
      x: 1,
      y: 2,
      buyBackRate: 0.25,
      sells: [
        { itemId: "cons-health-pack", price: 25, name: "Health Pack" },
        {
          itemId: "code-a-hyperjump",
          price: 500,
          name: "Hyper Jump Code",
          teaches: { id: "a-hyperjump", name: "Hyper Jump" },
        },
      ],
    });
    assert.equal(buyBackText(v!), "Buys back at 25% of value");
    assert.equal(buyBackText(A), "");
    assert.equal(parseVendor({ id: "r", x: 0, y: 0, reach: 5, sells: [] })?.reach, 5);
    assert.equal(parseVendor({ name: "no id" }), undefined);
    assert.equal(parseVendor(null), undefined);
  });

  it("marks what the player cannot afford, code for abilities already acquired, and names lines", () => {
    const rows = offerRows(
      {
        ...A,
        sells: [
          { itemId: "pistol", price: 200, name: "Pistol" },
          { itemId: "rifle", price: 1500 },
          {
            itemId: "code-x",
            price: 300,
            name: "Hyper Jump Code",
            teaches: { id: "a-hj", name: "Hyper Jump" },
          },
          {
            itemId: "code-y",
            price: 90,
            name: "Recuperate Code",
            teaches: { id: "a-rec", name: "Recuperate" },
          },
        ],
      },
      1000,
      new Set(["a-rec", "strike"]),
    );
    assert.deepEqual(
      rows.map((r) => [r.name, r.price, r.affordable, r.note, r.known]),
      [
        ["Pistol", "200 info", true, "", false],
        ["rifle", "1,500 info", false, "", false],
        ["Hyper Jump Code", "300 info", true, "lets you load Hyper Jump", false],
        ["Recuperate Code", "90 info", true, "lets you load Recuperate", true],
      ],
    );
    assert.ok(
      offerRows(A, undefined).every((r) => r.affordable),
      "unknown funds: the server decides",
    );
  });
});
