import { h, fill } from "../shared/dom.js";
import type { Target } from "./DistrictCanvas.js";
import type { DistrictStateView } from "./types.js";

const MAX_ROWS = 12;

/**
 * Who is in sight (the server sends only what is within your area of
 * interest): players first, then the nearest NPCs; a click targets them.
 */
export class NearbyPanel {
  readonly el: HTMLElement;
  private readonly list: HTMLOListElement;
  private last = "";

  constructor(private readonly pick: (target: Target) => void) {
    this.list = h("ol", { class: "nearby" });
    this.el = h("section", { class: "panel nearby-panel" }, h("h2", {}, "In sight"), this.list);
  }

  refresh(state: DistrictStateView, sessionId: string, at: { x: number; y: number } | undefined): void {
    const rows: { target: Target; label: string; distance: number }[] = [];
    const dist = (x: number, y: number) => (at ? Math.hypot(x - at.x, y - at.y) : 0);
    state.players.forEach((p, id) => {
      if (id !== sessionId) {
        rows.push({
          target: { id, kind: "player" },
          label: `${p.name} [${p.level}] ${p.organization}`,
          distance: dist(p.x, p.y),
        });
      }
    });
    const npcs: typeof rows = [];
    state.npcs.forEach((n, id) => {
      if (n.hp > 0) npcs.push({ target: { id, kind: "npc" }, label: n.name, distance: dist(n.x, n.y) });
    });
    npcs.sort((a, b) => a.distance - b.distance);
    rows.push(...npcs);
    const shown = rows.slice(0, MAX_ROWS);
    // Rebuild only when something visible changed, not every frame.
    const key = shown.map((r) => `${r.target.id}:${Math.round(r.distance)}`).join("|");
    if (key === this.last) return;
    this.last = key;
    if (shown.length === 0) {
      fill(this.list, h("li", { class: "muted" }, "Nobody in sight."));
      return;
    }
    fill(
      this.list,
      ...shown.map((r) =>
        h(
          "li",
          { "data-kind": r.target.kind, "data-id": r.target.id },
          h("button", { type: "button", class: "link", onclick: () => this.pick(r.target) }, r.label),
          h("span", { class: "muted" }, ` ${r.distance.toFixed(0)} u`),
        ),
      ),
    );
  }
}
