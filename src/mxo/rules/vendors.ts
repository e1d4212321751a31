/**
 * Vendors: NPCs who sell items for Information and buy back what players
 * bring them. Pure rules; the room measures distance and holdings, the
 * ledger moves the goods.
 */

/** How close (world units) a player must stand to a vendor to buy or sell. */
export const VENDOR_REACH = 8;

/**
 * What a vendor pays for an item it buys back, as a fraction of the item's
 * `value`: any vendor buys any tradeable item of some value, at a quarter of
 * it (so buying and selling again never makes Information).
 */
export const BUY_BACK_RATE = 0.25;

export interface VendorWare {
  itemId: string;
  price?: number | undefined;
}

export interface VendorView {
  id: string;
  name: string;
  x: number;
  y: number;
  sells: readonly VendorWare[];
}

/** What the rules need of an item. */
export interface WareItem {
  id: string;
  name: string;
  kind: string;
  value: number;
  tradeable: boolean;
}

export type VendorErrorCode =
  "out_of_reach" | "not_sold_here" | "insufficient_funds" | "not_owned" | "equipped" | "duplicate";

export type VendorCheck = { ok: true; total: number } | { ok: false; code: VendorErrorCode; message: string };

/** The price of one of a vendor's wares: its own, or the item's value. */
export function salePrice(ware: VendorWare, item: Pick<WareItem, "value">): number {
  return ware.price ?? item.value;
}

/** What a vendor pays for one of an item, or 0 when vendors do not buy it. */
export function buyBackPrice(item: Pick<WareItem, "value" | "tradeable" | "kind">): number {
  if (!item.tradeable || item.kind === "mission" || item.value <= 0) return 0;
  return Math.max(1, Math.floor(item.value * BUY_BACK_RATE));
}

/** Refuses when the player stands beyond reach, naming the distance. */
export function checkReach(vendor: VendorView, at: { x: number; y: number }): VendorCheck | undefined {
  const distance = Math.hypot(vendor.x - at.x, vendor.y - at.y);
  if (distance <= VENDOR_REACH) return undefined;
  return {
    ok: false,
    code: "out_of_reach",
    message: `${vendor.name} is ${Math.round(distance)} units away: come within ${VENDOR_REACH}`,
  };
}

/**
 * A purchase of `qty` of `item` from `vendor` by a player at `at` holding
 * `information` (undefined before the first ledger reading: the ledger then
 * decides). The total is what the ledger takes. Ability code already known
 * is refused (`duplicate`).
 */
export function checkPurchase(input: {
  vendor: VendorView;
  item: WareItem | undefined;
  itemId: string;
  qty: number;
  at: { x: number; y: number };
  information: number | undefined;
  /** For ability code the character already knows: that ability's name (nobody pays twice for it). */
  knownAbility?: string | undefined;
}): VendorCheck {
  const { vendor, item, qty } = input;
  const far = checkReach(vendor, input.at);
  if (far) return far;
  const ware = vendor.sells.find((w) => w.itemId === input.itemId);
  if (!ware || !item) {
    const what = item?.name ?? "that";
    return { ok: false, code: "not_sold_here", message: `${vendor.name} does not sell ${what}` };
  }
  if (input.knownAbility !== undefined) {
    return { ok: false, code: "duplicate", message: `You already know ${input.knownAbility}` };
  }
  const total = salePrice(ware, item) * qty;
  if (input.information !== undefined && input.information < total)
    return insufficient(item, qty, total, input.information);
  return { ok: true, total };
}

/** The refusal of a purchase the player cannot pay (also when the ledger refuses it). */
export function insufficient(item: WareItem, qty: number, total: number, information: number | undefined) {
  const have = information === undefined ? "" : `; you have ${information.toLocaleString("en-US")}`;
  const what = qty === 1 ? item.name : `${qty} × ${item.name}`;
  return {
    ok: false as const,
    code: "insufficient_funds" as const,
    message: `${what} costs ${total.toLocaleString("en-US")} Information${have}`,
  };
}

/**
 * A sale of `qty` of `item` to `vendor`: the player must hold that many
 * besides an equipped one (an equipped item cannot be sold).
 */
export function checkSale(input: {
  vendor: VendorView;
  item: WareItem | undefined;
  itemId: string;
  qty: number;
  at: { x: number; y: number };
  held: number;
  equipped: boolean;
}): VendorCheck {
  const { vendor, item, qty, held } = input;
  const far = checkReach(vendor, input.at);
  if (far) return far;
  const name = item?.name ?? "that";
  if (held < qty) {
    const have = held === 0 ? "none" : `only ${held}`;
    return { ok: false, code: "not_owned", message: `You hold ${have} of ${name}` };
  }
  if (input.equipped && held - 1 < qty) {
    return { ok: false, code: "equipped", message: `Unequip ${name} before selling it` };
  }
  const each = item ? buyBackPrice(item) : 0;
  if (!item || each === 0) {
    return { ok: false, code: "not_sold_here", message: `${vendor.name} will not buy ${name}` };
  }
  return { ok: true, total: each * qty };
}

/** The ledger legs of a purchase (Information out, items in) or a sale (the reverse). */
export function tradeLegs(
  kind: "purchase" | "sale",
  characterId: string,
  itemId: string,
  qty: number,
  total: number,
  currency: string,
): { characterId: string; itemId: string; quantity: number; kind: "purchase" | "sale" }[] {
  const sign = kind === "purchase" ? 1 : -1;
  const legs = [
    { characterId, itemId: currency, quantity: -sign * total, kind },
    { characterId, itemId, quantity: sign * qty, kind },
  ];
  // Something given away for nothing moves no Information (the ledger refuses a leg of 0).
  return legs.filter((l) => l.quantity !== 0);
}

/**
 * The idempotency key of one purchase or sale: the client's request id when
 * it gave one (a resend is the same operation), else one made for the message.
 */
export function vendorKey(kind: "buy" | "sell", characterId: string, requestId: string): string {
  return `${kind}:${characterId}:${requestId}`;
}
