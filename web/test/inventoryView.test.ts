import assert from "node:assert/strict";
import type { InventoryUpdate } from "../../src/mxo/contract/serverMessages.js";
import {
  EQUIPMENT_SLOTS,
  equipmentSlots,
  formatInformation,
  heldQty,
  inventoryRows,
} from "../src/play/inventoryView.js";

const INV: InventoryUpdate = {
  information: 1250,
  items: [
    { itemId: "pistol", name: "Pistol", qty: 1, equipped: true, slot: "weapon", kind: "weapon" },
    { itemId: "shades", name: "Mirror Shades", qty: 1, equipped: false, slot: "eyewear", kind: "clothing" },
    { itemId: "medkit", name: "Medkit", qty: 3, equipped: false, kind: "consumable" },
    { itemId: "keycard", name: "Keycard", qty: 1, equipped: false, kind: "mission" },
  ],
};

describe("inventory view (play client)", () => {
  it("offers unequip on worn items, equip on wearable ones, use on consumables, nothing on mission items", () => {
    const rows = inventoryRows(INV, { vendorInReach: false });
    assert.deepEqual(
      rows.map((r) => [r.name, r.actions, r.note]),
      [
        ["Pistol", ["unequip"], "equipped (Weapon)"],
        ["Mirror Shades", ["equip"], "(eyewear)"],
        ["Medkit", ["use"], "×3"],
        ["Keycard", [], ""],
      ],
    );
  });

  it("offers sell only while a vendor is in reach, never on an equipped item, a mission item or code", () => {
    const rows = inventoryRows(
      {
        ...INV,
        items: [
          ...INV.items,
          { itemId: "code-x", name: "Hyper Jump Code", qty: 1, equipped: false, kind: "code" },
        ],
      },
      { vendorInReach: true },
    );
    assert.deepEqual(
      rows.map((r) => r.actions.includes("sell")),
      [false, true, true, false, false],
    );
    assert.deepEqual(rows.at(-1)?.actions, [], "code is loaded at a hardline, not used");
    assert.ok(inventoryRows(INV, { vendorInReach: false }).every((r) => !r.actions.includes("sell")));
  });

  it("offers use on an unslotted item when the server does not say its kind (the server judges)", () => {
    const rows = inventoryRows(
      { information: 0, items: [{ itemId: "x", name: "Thing", qty: 1, equipped: false }] },
      { vendorInReach: false },
    );
    assert.deepEqual(rows[0]?.actions, ["use"]);
  });

  it("lists every slot, weapon first, with what sits in it, and shows unknown slots too", () => {
    const slots = equipmentSlots(INV);
    assert.deepEqual(
      slots.map((s) => s.slot),
      [...EQUIPMENT_SLOTS],
    );
    assert.deepEqual(slots[0], {
      slot: "weapon",
      label: "Weapon",
      item: { itemId: "pistol", name: "Pistol" },
    });
    assert.equal(slots.find((s) => s.slot === "eyewear")?.item, undefined, "shades are held, not worn");
    const odd = equipmentSlots({
      information: 0,
      items: [{ itemId: "cape", name: "Cape", qty: 1, equipped: true, slot: "back" }],
    });
    assert.deepEqual(odd.at(-1), { slot: "back", label: "Back", item: { itemId: "cape", name: "Cape" } });
  });

  it("formats Information and reads held quantities", () => {
    assert.equal(formatInformation(1250), "1,250 information");
    assert.equal(heldQty(INV, "medkit"), 3);
    assert.equal(heldQty(INV, "nothing"), 0);
    assert.equal(heldQty(undefined, "medkit"), 0);
  });
});
