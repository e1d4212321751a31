import type { DistrictClientMessages } from "../../../src/mxo/contract/clientMessages.js";
import type { CharacterSheet } from "../../../src/mxo/contract/serverMessages.js";
import { fill, h } from "../shared/dom.js";
import { sheetView, sheetChange } from "./characterSheetView.js";
import type { EventLog } from "./EventLog.js";
import type { DistrictRoom } from "./GameConnection.js";

/**
 * The character sheet from `character`: level and experience, the five
 * attributes (as allocated, and with equipment) with a + button each while
 * points are unspent (`allocate {stat}`), and the derived combat figures.
 */
export class CharacterPanel {
  readonly el: HTMLElement;
  private readonly body: HTMLElement;
  private readonly points: HTMLElement;
  private room: DistrictRoom | undefined;
  private last: CharacterSheet | undefined;

  constructor(private readonly log: EventLog) {
    this.points = h("span", { class: "points", "data-points": 0 });
    this.body = h("div", { class: "sheet-body" }, h("p", { class: "muted" }, "Waiting for the server…"));
    this.el = h(
      "section",
      { class: "panel character-sheet" },
      h("header", {}, h("h2", {}, "Character"), this.points),
      this.body,
    );
  }

  bind(room: DistrictRoom): void {
    this.room = room;
    room.onMessage("character", (sheet: CharacterSheet) => {
      const change = sheetChange(this.last, sheet);
      if (change) {
        this.log.add("good", change);
        this.log.toast("good", change);
      }
      this.last = sheet;
      this.render(sheet);
    });
  }

  private allocate(stat: DistrictClientMessages["allocate"]["stat"]): void {
    if (!this.room) return this.log.serverError("not_connected", "Not connected to a district right now");
    this.room.send("allocate", { stat } satisfies DistrictClientMessages["allocate"]);
  }

  private render(sheet: CharacterSheet): void {
    const v = sheetView(sheet);
    this.points.textContent = v.unspentText;
    this.points.dataset.points = String(v.unspent);
    fill(
      this.body,
      h("p", { class: "sheet-level" }, h("b", {}, `Level ${v.level}`), " · ", v.experience),
      h(
        "table",
        { class: "stats-table" },
        h(
          "tbody",
          {},
          ...v.stats.map((s) =>
            h(
              "tr",
              { "data-stat": s.stat, title: `${s.label}: ${s.hint}` },
              h("th", {}, s.label),
              h("td", { class: "stat-value" }, String(s.effective)),
              h("td", { class: "muted" }, s.gear),
              h(
                "td",
                {},
                s.canAllocate &&
                  h(
                    "button",
                    {
                      type: "button",
                      class: "small",
                      name: "allocate",
                      "data-stat": s.stat,
                      title: `Spend a point on ${s.label}`,
                      onclick: () => this.allocate(s.stat),
                    },
                    "+",
                  ),
              ),
            ),
          ),
        ),
      ),
      h(
        "dl",
        { class: "derived" },
        ...v.derived.flatMap((d) => [h("dt", {}, d.label), h("dd", { "data-figure": d.label }, d.value)]),
      ),
    );
  }
}
