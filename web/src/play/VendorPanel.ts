import type { DistrictClientMessages } from "../../../src/mxo/contract/clientMessages.js";
import { fill, h } from "../shared/dom.js";
import type { DistrictRoom } from "./GameConnection.js";
import { buyBackText, offerRows, vendorInReach, type Vendor } from "./vendorView.js";

/**
 * The vendor the player stands at (the district's vendors come from
 * `GET /api/v1/districts`): what it sells and for how much Information, with
 * a Buy button per line (`buy {vendorId, itemId}`, one at a time). Hidden
 * while no vendor is in reach; selling is done from the inventory.
 */
export class VendorPanel {
  readonly el: HTMLElement;
  private readonly title: HTMLElement;
  private readonly distance: HTMLElement;
  private readonly list: HTMLElement;
  private readonly buyBack: HTMLElement;
  private room: DistrictRoom | undefined;
  private vendors: readonly Vendor[] = [];
  private shown: Vendor | undefined;
  private information: number | undefined;
  private acquired: ReadonlySet<string> = new Set();

  constructor(
    private readonly onError: (code: string, message: string) => void,
    /** Told whenever the vendor in reach changes (the inventory's sell buttons follow). */
    private readonly onVendor: (vendorId: string | undefined) => void,
  ) {
    this.title = h("h2", {}, "Vendor");
    this.distance = h("span", { class: "muted" });
    this.list = h("ul", { class: "vendor-offers" });
    this.buyBack = h("span", {});
    this.el = h(
      "section",
      { class: "panel vendor", hidden: true },
      h("header", {}, this.title, this.distance),
      this.list,
      h("p", { class: "muted small-print" }, "Sell from your inventory while you stand here. ", this.buyBack),
    );
  }

  bind(room: DistrictRoom, vendors: readonly Vendor[]): void {
    this.room = room;
    this.vendors = vendors;
    this.show(undefined);
  }

  /** The player's Information changed: affordability follows. */
  setInformation(information: number | undefined): void {
    this.information = information;
    if (this.shown) this.renderOffers(this.shown);
  }

  /** The abilities the character has acquired (the loadout catalog): their code shows as known. */
  setAcquired(abilityIds: readonly string[]): void {
    this.acquired = new Set(abilityIds);
    if (this.shown) this.renderOffers(this.shown);
  }

  /** Called on each HUD refresh with where the player stands. */
  refresh(at: { x: number; y: number } | undefined): void {
    const near = vendorInReach(this.vendors, at);
    if (near) this.distance.textContent = `${near.distance.toFixed(0)} u`;
    if (near?.vendor.id !== this.shown?.id) this.show(near?.vendor);
  }

  private show(vendor: Vendor | undefined): void {
    this.shown = vendor;
    this.el.hidden = !vendor;
    this.el.dataset.vendor = vendor?.id ?? "";
    this.onVendor(vendor?.id);
    if (!vendor) return;
    this.title.textContent = vendor.name;
    this.buyBack.textContent = buyBackText(vendor);
    this.renderOffers(vendor);
  }

  private buy(vendorId: string, itemId: string): void {
    if (!this.room) return this.onError("not_connected", "Not connected to a district right now");
    this.room.send("buy", { vendorId, itemId, qty: 1 } satisfies DistrictClientMessages["buy"]);
  }

  private renderOffers(vendor: Vendor): void {
    const rows = offerRows(vendor, this.information, this.acquired);
    if (rows.length === 0) {
      fill(this.list, h("li", { class: "muted" }, "Nothing for sale."));
      return;
    }
    fill(
      this.list,
      ...rows.map((r) =>
        h(
          "li",
          { "data-item": r.itemId, "data-affordable": r.affordable, "data-known": r.known },
          h("span", { class: "item-name", title: r.note || r.name }, r.name),
          r.known && h("span", { class: "muted" }, "known"),
          h("span", { class: "price" }, r.price),
          h(
            "button",
            {
              type: "button",
              class: "small",
              name: "buy",
              disabled: !r.affordable || r.known,
              title: r.known
                ? `You already have the ability ${r.name} teaches`
                : r.affordable
                  ? `Buy ${r.name}`
                  : `You cannot afford ${r.name}`,
              onclick: () => this.buy(vendor.id, r.itemId),
            },
            "Buy",
          ),
        ),
      ),
    );
  }
}
