import type { CLOTHING_SLOTS } from "../../../src/mxo/content/schema/item.js";
import type { InventoryEntry, InventoryUpdate } from "../../../src/mxo/contract/serverMessages.js";

/**
 * What the inventory and equipment panels show, computed from the `inventory`
 * message alone (pure, so web/test checks it without a browser).
 */

type Slot = "weapon" | (typeof CLOTHING_SLOTS)[number];

/** The weapon slot, then the content pack's clothing slots head to toe (tsc fails if content changes them). */
export const EQUIPMENT_SLOTS = [
  "weapon",
  "head",
  "eyewear",
  "jacket",
  "shirt",
  "gloves",
  "pants",
  "shoes",
] as const satisfies readonly Slot[];

export type ItemAction = "equip" | "unequip" | "use" | "sell";

export interface InventoryRow {
  itemId: string;
  name: string;
  qty: number;
  equipped: boolean;
  slot?: string;
  /** Buttons to offer, in order. */
  actions: ItemAction[];
  /** What the row says beside the name: "×3", "equipped (Weapon)", "(eyewear)". */
  note: string;
}

/**
 * One row per stack. Equippable items (they carry a slot) get equip or
 * unequip; consumables get use. Items without a kind on the wire (older
 * servers) and no slot get use too: the server answers `not_usable` with the
 * item's name if it is not. Sell appears only while a vendor is in reach, and
 * never on an equipped item (the server refuses `equipped`) nor on mission
 * items and ability code, which vendors do not buy.
 */
export function inventoryRows(inv: InventoryUpdate, opts: { vendorInReach: boolean }): InventoryRow[] {
  return inv.items.map((item) => {
    const actions: ItemAction[] = [];
    if (item.slot) actions.push(item.equipped ? "unequip" : "equip");
    else if (usable(item)) actions.push("use");
    if (opts.vendorInReach && !item.equipped && changesHands(item)) actions.push("sell");
    const parts = [];
    if (item.qty > 1) parts.push(`×${item.qty}`);
    if (item.equipped) parts.push(`equipped (${slotLabel(item.slot ?? "")})`);
    // Where a piece would go, so the player knows what it replaces.
    else if (item.slot) parts.push(`(${item.slot})`);
    return {
      itemId: item.itemId,
      name: item.name,
      qty: item.qty,
      equipped: item.equipped,
      ...(item.slot ? { slot: item.slot } : {}),
      actions,
      note: parts.join(" "),
    };
  });
}

function usable(item: InventoryEntry): boolean {
  return item.kind === undefined ? true : item.kind === "consumable";
}

/**
 * Mission items and ability code stay with the character (content marks them
 * untradeable; vendors do not buy them): no sell, no trade. Other items may
 * still be refused by the server, which names them.
 */
export function changesHands(item: InventoryEntry): boolean {
  return item.kind !== "mission" && item.kind !== "code";
}

export interface SlotView {
  slot: string;
  label: string;
  item?: { itemId: string; name: string };
}

/**
 * Every equipment slot with what sits in it. A slot the server names that
 * this list does not know (new content) is shown after the known ones, so
 * nothing equipped is ever hidden.
 */
export function equipmentSlots(inv: InventoryUpdate): SlotView[] {
  const worn = new Map(inv.items.filter((i) => i.equipped && i.slot).map((i) => [i.slot!, i] as const));
  const extra = [...worn.keys()].filter((s) => !(EQUIPMENT_SLOTS as readonly string[]).includes(s)).sort();
  return [...EQUIPMENT_SLOTS, ...extra].map((slot) => {
    const item = worn.get(slot);
    return {
      slot,
      label: slotLabel(slot),
      ...(item ? { item: { itemId: item.itemId, name: item.name } } : {}),
    };
  });
}

export function slotLabel(slot: string): string {
  return slot ? slot.charAt(0).toUpperCase() + slot.slice(1) : "";
}

/** "1,250 information", grouped for reading. */
export function formatInformation(amount: number): string {
  return `${amount.toLocaleString("en-US")} information`;
}

/** The held quantity of an item (0 when not held). */
export function heldQty(inv: InventoryUpdate | undefined, itemId: string): number {
  return inv?.items.find((i) => i.itemId === itemId)?.qty ?? 0;
}
