import { h, fill } from "../shared/dom.js";
import type { DistrictCatalog } from "./DistrictCatalog.js";

/** Travel to another district: the server saves you at its arrival hardline and hands over a seat there. */
export class TravelPanel {
  readonly el: HTMLElement;
  private readonly select: HTMLSelectElement;

  constructor(
    private readonly catalog: DistrictCatalog,
    private readonly travel: (district: string) => void,
  ) {
    this.select = h("select", { name: "district", "aria-label": "Destination" });
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
            if (this.select.value) this.travel(this.select.value);
          },
        },
        this.select,
        h("button", { type: "submit" }, "Go"),
      ),
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
  }
}
