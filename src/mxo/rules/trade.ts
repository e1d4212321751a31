/**
 * Player trade windows (contract §7 `trade`), as plain rules: no room, no
 * ledger. Two players each put items and Information in; the swap may happen
 * only once both have confirmed the current contents, and any change clears
 * both confirmations, so nobody can be shown one offer and handed another.
 */

export type TradeSide = "a" | "b";

/** What one side puts in. */
export interface TradeOffer {
  items: { itemId: string; qty: number }[];
  information: number;
}

export interface TradeWindow {
  /** Names the swap in the ledger: a retry of the same trade applies once. */
  readonly id: string;
  /** The two traders (session ids); `a` opened the window. */
  readonly a: string;
  readonly b: string;
  offers: Record<TradeSide, TradeOffer>;
  confirmed: Record<TradeSide, boolean>;
  /**
   * `open`: either side may change its offer. `swapping`: both confirmed and
   * the ledger is being written; nothing may change until it answers.
   */
  phase: "open" | "swapping";
}

/** A refusal, with the contract's code and a player's words. */
export interface TradeRefusal {
  code: "not_owned" | "equipped" | "insufficient_funds" | "busy" | "not_tradeable";
  message: string;
}

/** What a player holds, as the ledger last said, and what of it is equipped. */
export interface TraderHoldings {
  stacks: ReadonlyMap<string, number>;
  information: number;
  /** Equipped item ids, one entry per equipped piece (slot → item id values). */
  equipped: readonly string[];
}

export const EMPTY_OFFER: TradeOffer = Object.freeze({ items: [], information: 0 }) as TradeOffer;

export function openWindow(id: string, a: string, b: string): TradeWindow {
  return {
    id,
    a,
    b,
    offers: { a: EMPTY_OFFER, b: EMPTY_OFFER },
    confirmed: { a: false, b: false },
    phase: "open",
  };
}

/** Which side a session trades on, if it is one of the two. */
export function sideOf(w: TradeWindow, sessionId: string): TradeSide | undefined {
  return w.a === sessionId ? "a" : w.b === sessionId ? "b" : undefined;
}

export function otherSide(side: TradeSide): TradeSide {
  return side === "a" ? "b" : "a";
}

const GOING_THROUGH: TradeRefusal = { code: "busy", message: "The trade is already going through" };

/** Replaces one side's offer; both confirmations are cleared. Refused while the swap is under way. */
export function setOffer(w: TradeWindow, side: TradeSide, offer: TradeOffer): TradeRefusal | undefined {
  if (w.phase !== "open") return GOING_THROUGH;
  w.offers[side] = { items: offer.items.map((i) => ({ ...i })), information: offer.information };
  w.confirmed = { a: false, b: false };
  return undefined;
}

/**
 * One side confirms the current contents. `ready` once both have: the window
 * is then `swapping` and its offers are what the ledger must move.
 */
export function confirm(w: TradeWindow, side: TradeSide): "waiting" | "ready" | TradeRefusal {
  if (w.phase !== "open") return GOING_THROUGH;
  w.confirmed[side] = true;
  if (!w.confirmed.a || !w.confirmed.b) return "waiting";
  w.phase = "swapping";
  return "ready";
}

/** A cancel is refused once the swap is under way: the ledger decides how it ends. */
export function canCancel(w: TradeWindow): TradeRefusal | undefined {
  return w.phase === "open" ? undefined : GOING_THROUGH;
}

/** What the rules need to know of an item: its name for messages, and whether it may change hands. */
export interface TradeItemInfo {
  name: string;
  /** False for what is bound to its owner (ability code, mission items). */
  tradeable: boolean;
}

/**
 * Whether a player can hand over this offer: every item tradeable, held in
 * that quantity, none of it equipped, and the Information. An equipped piece
 * stays out of a stack: of two katanas with one in the hand, one can be traded.
 * `item` describes an item (undefined for an id the content does not know).
 */
export function checkOffer(
  offer: TradeOffer,
  holds: TraderHoldings,
  item: (itemId: string) => TradeItemInfo | undefined,
): TradeRefusal | undefined {
  const name = (itemId: string) => item(itemId)?.name ?? itemId;
  for (const { itemId, qty } of offer.items) {
    if (item(itemId)?.tradeable === false) {
      return { code: "not_tradeable", message: `${name(itemId)} is bound to you and cannot be traded` };
    }
    const held = holds.stacks.get(itemId) ?? 0;
    if (qty > held) {
      const message =
        held === 0 ? `You have no ${name(itemId)}` : `You have only ${held} ${name(itemId)}, not ${qty}`;
      return { code: "not_owned", message };
    }
    const equipped = holds.equipped.filter((id) => id === itemId).length;
    if (qty > held - equipped) {
      return { code: "equipped", message: `${name(itemId)} is equipped: unequip it to trade it` };
    }
  }
  if (offer.information > holds.information) {
    return {
      code: "insufficient_funds",
      message: `You have ${holds.information} Information, not ${offer.information}`,
    };
  }
  return undefined;
}

/** The item id the ledger keeps Information under (src/framework/economy CURRENCY). */
export const INFORMATION_ITEM = "currency";

/** What each side hands over, as ledger gives (Information as the currency item). */
export function swapGives(w: TradeWindow): Record<TradeSide, { itemId: string; quantity: number }[]> {
  const gives = (o: TradeOffer) => [
    ...o.items.filter((i) => i.qty > 0).map((i) => ({ itemId: i.itemId, quantity: i.qty })),
    ...(o.information > 0 ? [{ itemId: INFORMATION_ITEM, quantity: o.information }] : []),
  ];
  return { a: gives(w.offers.a), b: gives(w.offers.b) };
}

/** True when neither side puts anything in: there is nothing for the ledger to do. */
export function isEmptyTrade(w: TradeWindow): boolean {
  const g = swapGives(w);
  return g.a.length === 0 && g.b.length === 0;
}
