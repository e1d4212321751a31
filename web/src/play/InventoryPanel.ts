import type { DistrictClientMessages } from "../../../src/mxo/contract/clientMessages.js";
import type { InventoryUpdate } from "../../../src/mxo/contract/serverMessages.js";
import { fill, h } from "../shared/dom.js";
import type { DistrictRoom } from "./GameConnection.js";
import { equipmentSlots, formatInformation, inventoryRows, type ItemAction } from "./inventoryView.js";

const ACTION_LABELS: Record<ItemAction, string> = {
  equip: "Equip",
  unequip: "Unequip",
  use: "Use",
  sell: "Sell",
};

/**
 * What the character holds, from `inventory` (the ledger's reading): stacks
 * by name with quantity and an equipped marker, Information, and the
 * equipment slots. Buttons: equip/unequip for weapons and clothing, use for
 * consumables, and sell (one at a time) while a vendor is in reach.
 */
export class InventoryPanel {
  readonly el: HTMLElement;
  private readonly information: HTMLElement;
  private readonly list: HTMLElement;
  private readonly slots: HTMLElement;
  private room: DistrictRoom | undefined;
  private vendorId: string | undefined;
  /** The last `inventory` message; the trade and vendor panels read it too. */
  current: InventoryUpdate | undefined;
  /** Called after each `inventory` message, for panels that depend on it. */
  onChange: () => void = () => undefined;

  constructor(private readonly onError: (code: string, message: string) => void) {
    this.information = h("span", { class: "information", id: "information" });
    this.list = h("ul", { class: "inventory" });
    this.slots = h("dl", { class: "equipment" });
    this.el = h(
      "section",
      { class: "panel inventory-panel" },
      h("header", {}, h("h2", {}, "Inventory"), this.information),
      this.list,
      h("h3", {}, "Equipment"),
      this.slots,
    );
    this.render();
  }

  bind(room: DistrictRoom): void {
    this.room = room;
    room.onMessage("inventory", (inv: InventoryUpdate) => {
      this.current = inv;
      this.render();
      this.onChange();
    });
  }

  /** The vendor in reach now (sell buttons appear), or none. */
  setVendor(vendorId: string | undefined): void {
    if (vendorId === this.vendorId) return;
    this.vendorId = vendorId;
    this.render();
  }

  private act(action: ItemAction, itemId: string, slot: string | undefined): void {
    const room = this.room;
    if (!room) return this.onError("not_connected", "Not connected to a district right now");
    switch (action) {
      case "equip":
        return room.send("equip", { itemId } satisfies DistrictClientMessages["equip"]);
      case "unequip":
        return room.send("unequip", { slot: slot ?? "" } satisfies DistrictClientMessages["unequip"]);
      case "use":
        return room.send("use", { itemId } satisfies DistrictClientMessages["use"]);
      case "sell":
        if (!this.vendorId) return this.onError("out_of_reach", "No vendor is in reach");
        return room.send("sell", {
          vendorId: this.vendorId,
          itemId,
          qty: 1,
        } satisfies DistrictClientMessages["sell"]);
    }
  }

  private render(): void {
    const inv = this.current;
    this.information.textContent = inv ? formatInformation(inv.information) : "";
    if (!inv) {
      fill(this.list, h("li", { class: "muted" }, "Waiting for the server…"));
      fill(this.slots);
      return;
    }
    const rows = inventoryRows(inv, { vendorInReach: this.vendorId !== undefined });
    fill(
      this.list,
      ...(rows.length === 0
        ? [h("li", { class: "muted" }, "You carry nothing.")]
        : rows.map((r) =>
            h(
              "li",
              { "data-item": r.itemId, "data-equipped": r.equipped },
              h("span", { class: "item-name" }, r.name),
              r.note && h("span", { class: "muted" }, ` ${r.note}`),
              h(
                "span",
                { class: "item-actions" },
                ...r.actions.map((a) =>
                  h(
                    "button",
                    {
                      type: "button",
                      class: "small",
                      name: a,
                      title: `${ACTION_LABELS[a]} ${r.name}`,
                      onclick: () => this.act(a, r.itemId, r.slot),
                    },
                    ACTION_LABELS[a],
                  ),
                ),
              ),
            ),
          )),
    );
    fill(
      this.slots,
      ...equipmentSlots(inv).flatMap((s) => [
        h("dt", {}, s.label),
        h(
          "dd",
          { "data-slot": s.slot, "data-empty": !s.item },
          s.item ? s.item.name : h("span", { class: "muted" }, "—"),
        ),
      ]),
    );
  }
}
