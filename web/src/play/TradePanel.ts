import type { DistrictClientMessages } from "../../../src/mxo/contract/clientMessages.js";
import type { InventoryUpdate, TradeOffer, TradeUpdate } from "../../../src/mxo/contract/serverMessages.js";
import { fill, h } from "../shared/dom.js";
import type { EventLog } from "./EventLog.js";
import type { DistrictRoom } from "./GameConnection.js";
import {
  applyTrade,
  draftFrom,
  draftToSet,
  offerText,
  tradeStatus,
  type TradeWindow,
} from "./tradeWindow.js";
import { changesHands } from "./inventoryView.js";

/**
 * Player trade (`trade` messages): open a window with a character in say
 * range by name (the targeted player's name is offered), then each side sets
 * items and Information, both confirm, and the server swaps atomically. Any
 * change clears both confirmations, so the panel shows each side's state.
 */
export class TradePanel {
  readonly el: HTMLElement;
  private readonly partner: HTMLInputElement;
  private readonly idle: HTMLElement;
  private readonly window: HTMLElement;
  private room: DistrictRoom | undefined;
  private state: TradeWindow | undefined;
  private suggested: string | undefined;
  /** The editor and what it was built from: kept while that holds, so typing survives the other side's updates. */
  private editing: { key: string; el: HTMLElement } | undefined;

  constructor(
    private readonly log: EventLog,
    private readonly inventory: () => InventoryUpdate | undefined,
  ) {
    this.partner = h("input", { name: "tradeWith", placeholder: "character name", maxlength: 24 });
    this.idle = h(
      "form",
      {
        class: "row",
        onsubmit: (e: SubmitEvent) => {
          e.preventDefault();
          const name = this.partner.value.trim();
          if (name) this.send({ action: "open", with: name });
        },
      },
      this.partner,
      h("button", { type: "submit", name: "openTrade" }, "Trade"),
    );
    this.window = h("div", { class: "trade-window", hidden: true });
    this.el = h("section", { class: "panel trade" }, h("h2", {}, "Trade"), this.idle, this.window);
  }

  bind(room: DistrictRoom): void {
    this.room = room;
    // A trade does not survive travel or a new room: the server cancels it.
    this.state = undefined;
    this.render();
    room.onMessage("trade", (msg: TradeUpdate) => {
      const next = applyTrade(this.state, msg);
      this.state = next.window;
      if (next.notice) {
        this.log.add(next.notice.kind, next.notice.text);
        if (msg.state === "done") this.log.toast("good", "Trade complete", `with ${msg.with}`);
      }
      this.render();
    });
  }

  /** Offers the selected player's name for the next trade. */
  suggest(name: string | undefined): void {
    // Once per newly selected player, so a name the player cleared or typed is not overwritten.
    if (name === this.suggested) return;
    this.suggested = name;
    if (name && !this.state && document.activeElement !== this.partner) this.partner.value = name;
  }

  /** The inventory changed: the editable side shows current quantities. */
  refreshInventory(): void {
    if (this.state) this.render();
  }

  private send(message: DistrictClientMessages["trade"]): void {
    if (!this.room) return this.log.serverError("not_connected", "Not connected to a district right now");
    this.room.send("trade", message);
  }

  private render(): void {
    const w = this.state;
    this.idle.hidden = Boolean(w);
    this.window.hidden = !w;
    this.el.classList.toggle("active", Boolean(w));
    if (!w) return fill(this.window);
    fill(
      this.window,
      h("p", { class: "trade-with" }, "Trading with ", h("b", {}, w.with)),
      h(
        "div",
        { class: "trade-sides" },
        side("You offer", w.mine, w.confirmed.mine, "mine"),
        side(`${w.with} offers`, w.theirs, w.confirmed.theirs, "theirs"),
      ),
      h("p", { class: "trade-status muted" }, tradeStatus(w)),
      this.editorFor(w),
      h(
        "div",
        { class: "row" },
        h(
          "button",
          {
            type: "button",
            name: "confirmTrade",
            class: "primary",
            disabled: w.confirmed.mine,
            onclick: () => this.send({ action: "confirm" }),
          },
          "Confirm",
        ),
        h(
          "button",
          {
            type: "button",
            name: "cancelTrade",
            class: "danger",
            onclick: () => this.send({ action: "cancel" }),
          },
          "Cancel",
        ),
      ),
    );
  }

  private editorFor(w: TradeWindow): HTMLElement {
    const key = JSON.stringify([w.with, w.mine, this.inventory()]);
    if (this.editing?.key !== key) this.editing = { key, el: this.editor(w) };
    return this.editing.el;
  }

  /** My side: a quantity per tradeable stack (equipped items cannot be traded) and Information. */
  private editor(w: TradeWindow): HTMLElement {
    const inv = this.inventory();
    const draft = draftFrom(w.mine);
    const tradeable = (inv?.items ?? []).filter((i) => !i.equipped && changesHands(i));
    const qtyInputs = tradeable.map((i) =>
      h("input", {
        type: "number",
        name: `offer-${i.itemId}`,
        "data-item": i.itemId,
        min: 0,
        max: i.qty,
        step: 1,
        value: String(draft.items[i.itemId] ?? 0),
        "aria-label": `${i.name} to offer`,
      }),
    );
    const info = h("input", {
      type: "number",
      name: "offerInformation",
      min: 0,
      max: inv?.information ?? 0,
      step: 1,
      value: String(draft.information),
      "aria-label": "Information to offer",
    });
    return h(
      "form",
      {
        class: "trade-editor",
        onsubmit: (e: SubmitEvent) => {
          e.preventDefault();
          const items = Object.fromEntries(qtyInputs.map((q) => [q.dataset.item!, Number(q.value || 0)]));
          const result = draftToSet({ items, information: Number(info.value || 0) }, inv);
          if (!result.ok) return this.log.serverError(result.code, result.message);
          this.send(result.message);
        },
      },
      tradeable.length === 0
        ? h(
            "p",
            { class: "muted" },
            "Nothing you carry can be traded (equipped items, mission items and code cannot).",
          )
        : h(
            "ul",
            { class: "trade-items" },
            ...tradeable.map((i, n) =>
              h("li", {}, h("span", { class: "item-name" }, `${i.name} (${i.qty})`), qtyInputs[n]!),
            ),
          ),
      h("label", { class: "row" }, "Information ", info),
      h("button", { type: "submit", name: "setOffer" }, "Set my offer"),
    );
  }
}

function side(title: string, offer: TradeOffer, confirmed: boolean, who: "mine" | "theirs"): HTMLElement {
  return h(
    "div",
    { class: "trade-side", "data-side": who, "data-confirmed": confirmed },
    h(
      "h3",
      {},
      title,
      " ",
      h("span", { class: "confirm-mark" }, confirmed ? "✔ confirmed" : "not confirmed"),
    ),
    h("p", { class: "offer" }, offerText(offer)),
  );
}
