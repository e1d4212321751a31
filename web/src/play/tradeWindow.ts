import type { DistrictClientMessages } from "../../../src/mxo/contract/clientMessages.js";
import type { InventoryUpdate, TradeOffer, TradeUpdate } from "../../../src/mxo/contract/serverMessages.js";

/**
 * The trade window's state as the client keeps it between `trade` messages,
 * and the `set` message built from what the player typed (pure, tested in
 * web/test). The server holds the truth; this only decides what to show and
 * refuses, before sending, what the server would refuse anyway.
 */

export interface TradeWindow {
  with: string;
  mine: TradeOffer;
  theirs: TradeOffer;
  confirmed: { mine: boolean; theirs: boolean };
}

export interface TradeNotice {
  kind: "good" | "warn" | "info";
  text: string;
}

/** The next window (undefined when closed) and what to tell the player about this message. */
export function applyTrade(
  previous: TradeWindow | undefined,
  msg: TradeUpdate,
): { window: TradeWindow | undefined; notice?: TradeNotice } {
  const window: TradeWindow = {
    with: msg.with,
    mine: msg.mine,
    theirs: msg.theirs,
    confirmed: { ...msg.confirmed },
  };
  switch (msg.state) {
    case "open":
      return { window, notice: { kind: "info", text: `Trade window open with ${msg.with}.` } };
    case "updated": {
      // The other side changed its offer: both confirmations were cleared by the server.
      const changed = previous && !sameOffer(previous.theirs, msg.theirs);
      return changed
        ? {
            window,
            notice: { kind: "warn", text: `${msg.with} changed their offer: check it before confirming.` },
          }
        : { window };
    }
    case "done":
      return {
        window: undefined,
        notice: {
          kind: "good",
          text: `Trade with ${msg.with} complete: you gave ${offerText(msg.mine)} and received ${offerText(msg.theirs)}.`,
        },
      };
    case "cancelled":
      return {
        window: undefined,
        notice: {
          kind: "warn",
          text: `Trade with ${msg.with} cancelled${msg.reason ? `: ${msg.reason}` : ""}.`,
        },
      };
  }
}

/** "2× Medkit, Pistol and 150 information", or "nothing". */
export function offerText(offer: TradeOffer): string {
  const parts = offer.items.map((i) => (i.qty > 1 ? `${i.qty}× ${i.name}` : i.name));
  if (offer.information > 0) parts.push(`${offer.information.toLocaleString("en-US")} information`);
  if (parts.length === 0) return "nothing";
  if (parts.length === 1) return parts[0]!;
  return `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
}

/** One line saying where the trade stands. */
export function tradeStatus(w: TradeWindow): string {
  const { mine, theirs } = w.confirmed;
  if (mine && theirs) return "Both confirmed: completing…";
  if (mine) return `You confirmed; waiting for ${w.with}.`;
  if (theirs) return `${w.with} confirmed; confirm to complete the trade.`;
  return "Set your offer, then confirm. Any change clears both confirmations.";
}

function sameOffer(a: TradeOffer, b: TradeOffer): boolean {
  if (a.information !== b.information || a.items.length !== b.items.length) return false;
  const qty = new Map(a.items.map((i) => [i.itemId, i.qty]));
  return b.items.every((i) => qty.get(i.itemId) === i.qty);
}

/** What the player typed for its side: quantities per item id (0 or blank = not offered) and Information. */
export interface TradeDraft {
  items: Record<string, number>;
  information: number;
}

export type DraftResult =
  | { ok: true; message: Extract<DistrictClientMessages["trade"], { action: "set" }> }
  | { ok: false; code: string; message: string };

/**
 * The `set` message for a draft, or the reason it cannot be sent, named as the
 * server would (item names, not ids): more than held (`not_owned`), an
 * equipped item (`equipped`), more Information than held (`insufficient_funds`).
 */
export function draftToSet(draft: TradeDraft, inv: InventoryUpdate | undefined): DraftResult {
  const items: { itemId: string; qty: number }[] = [];
  for (const [itemId, raw] of Object.entries(draft.items)) {
    const qty = Math.trunc(raw);
    if (!Number.isFinite(qty) || qty <= 0) continue;
    const held = inv?.items.find((i) => i.itemId === itemId);
    const name = held?.name ?? itemId;
    if (!held || held.qty < qty)
      return { ok: false, code: "not_owned", message: `You hold ${held?.qty ?? 0} ${name}, not ${qty}` };
    if (held.equipped) return { ok: false, code: "equipped", message: `Unequip ${name} before trading it` };
    items.push({ itemId, qty });
  }
  if (items.length > 12)
    return { ok: false, code: "invalid_message", message: "At most 12 kinds of item per trade" };
  const information = Math.trunc(draft.information);
  if (!Number.isFinite(information) || information < 0)
    return { ok: false, code: "invalid_message", message: "Information must be a whole number, 0 or more" };
  if (inv && information > inv.information)
    return {
      ok: false,
      code: "insufficient_funds",
      message: `You hold ${inv.information.toLocaleString("en-US")} information, not ${information.toLocaleString("en-US")}`,
    };
  return { ok: true, message: { action: "set", items, information } };
}

/** A draft holding what is on offer now, so editing starts from the current side. */
export function draftFrom(offer: TradeOffer): TradeDraft {
  return {
    items: Object.fromEntries(offer.items.map((i) => [i.itemId, i.qty])),
    information: offer.information,
  };
}
