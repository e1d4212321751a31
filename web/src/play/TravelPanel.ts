import { h, fill } from "../shared/dom.js";
import type { DistrictCatalog } from "./DistrictCatalog.js";

/**
 * Travel to another district, from a hardline (the server refuses elsewhere
 * with `not_at_hardline`, naming the nearest): to the target's arrival
 * hardline, or to one of its named hardlines. The server saves you there and
 * hands over a seat.
 */
export class TravelPanel {
  readonly el: HTMLElement;
  private readonly select: HTMLSelectElement;
  private readonly hardline: HTMLSelectElement;

  constructor(
    private readonly catalog: DistrictCatalog,
    private readonly travel: (district: string, hardline?: string) => void,
  ) {
    this.select = h("select", {
      name: "district",
      "aria-label": "Destination",
      onchange: () => this.offerHardlines(),
    });
    this.hardline = h("select", { name: "hardline", "aria-label": "Arrive at" });
    this.el = h(
      "section",
      { class: "panel travel" },
      h("h2", {}, "Travel"),
      h(
        "form",
        {
          class: "row",
          onsubmit: (e: SubmitEvent) => {
            e.preventDefault();
            if (!this.select.value) return;
            this.travel(this.select.value, this.hardline.value || undefined);
          },
        },
        this.select,
        this.hardline,
        h("button", { type: "submit" }, "Go"),
      ),
      h("p", { class: "muted small-print" }, "Jack out from a hardline (the green squares on the map)."),
    );
  }

  /** Offers every district but the one you are in. */
  here(district: string): void {
    fill(
      this.select,
      ...this.catalog.districts
        .filter((d) => d.id !== district)
        .map((d) => h("option", { value: d.id }, d.name)),
    );
    this.offerHardlines();
  }

  /** The chosen district's hardlines, its arrival one first (the default, sent as no hardline). */
  private offerHardlines(): void {
    const target = this.catalog.districts.find((d) => d.id === this.select.value);
    const others = (target?.hardlines ?? []).filter((hl) => !hl.arrival);
    const arrival = target?.hardlines.find((hl) => hl.arrival);
    fill(
      this.hardline,
      h("option", { value: "" }, arrival ? `${arrival.name} (arrival)` : "arrival hardline"),
      ...others.map((hl) => h("option", { value: hl.id }, hl.name)),
    );
    this.hardline.hidden = others.length === 0;
  }
}
