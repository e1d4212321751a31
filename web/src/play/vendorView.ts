/**
 * Vendors as `GET /api/v1/districts` lists them (contract §7), and which one
 * the player can deal with from where it stands (pure, tested in web/test).
 */

export interface VendorOffer {
  itemId: string;
  /** Price in Information. */
  price: number;
  /** The item's name, when the route gives it (the client falls back to the id). */
  name?: string;
  /** For ability code: the ability it lets the character load. */
  teaches?: { id: string; name: string };
}

export interface Vendor {
  id: string;
  name: string;
  x: number;
  y: number;
  sells: VendorOffer[];
  /** How close a buyer must stand, when the route says; otherwise DEFAULT_VENDOR_REACH. */
  reach?: number;
  /** What the vendor pays for an item brought to it, as a fraction of the item's value. */
  buyBackRate?: number;
}

/**
 * How close a buyer must stand: the server's VENDOR_REACH (src/mxo/rules/vendors.ts),
 * unless the route names a vendor's own. The server decides; a wrong figure
 * here only means its `out_of_reach` error shows instead of the panel.
 */
export const DEFAULT_VENDOR_REACH = 8;

/** Reads one vendor from the route's JSON, dropping what is malformed rather than failing the page. */
export function parseVendor(raw: unknown): Vendor | undefined {
  if (!raw || typeof raw !== "object") return undefined;
  const v = raw as Record<string, unknown>;
  if (typeof v.id !== "string" || typeof v.x !== "number" || typeof v.y !== "number") return undefined;
  const sells = Array.isArray(v.sells) ? v.sells : [];
  return {
    id: v.id,
    name: typeof v.name === "string" ? v.name : v.id,
    x: v.x,
    y: v.y,
    ...(typeof v.reach === "number" ? { reach: v.reach } : {}),
    ...(typeof v.buyBackRate === "number" ? { buyBackRate: v.buyBackRate } : {}),
    sells: sells.flatMap((s): VendorOffer[] => {
      if (!s || typeof s !== "object") return [];
      const o = s as Record<string, unknown>;
      if (typeof o.itemId !== "string" || !o.itemId || typeof o.price !== "number") return [];
      const ability =
        o.ability && typeof o.ability === "object" ? (o.ability as Record<string, unknown>) : undefined;
      const teaches =
        typeof ability?.id === "string" && typeof ability.name === "string"
          ? { id: ability.id, name: ability.name }
          : undefined;
      return [
        {
          itemId: o.itemId,
          price: o.price,
          ...(typeof o.name === "string" ? { name: o.name } : {}),
          ...(teaches ? { teaches } : {}),
        },
      ];
    }),
  };
}

/** The nearest vendor within its reach of `at`, with the distance; none when out of reach of all. */
export function vendorInReach(
  vendors: readonly Vendor[],
  at: { x: number; y: number } | undefined,
): { vendor: Vendor; distance: number } | undefined {
  if (!at) return undefined;
  let best: { vendor: Vendor; distance: number } | undefined;
  for (const vendor of vendors) {
    const distance = Math.hypot(vendor.x - at.x, vendor.y - at.y);
    if (distance > (vendor.reach ?? DEFAULT_VENDOR_REACH)) continue;
    if (!best || distance < best.distance) best = { vendor, distance };
  }
  return best;
}

export interface OfferRow {
  itemId: string;
  name: string;
  price: string;
  affordable: boolean;
  /** "lets you load Hyper Jump", for ability code; "" otherwise. */
  note: string;
  /** Ability code for an ability the character has already acquired: buying it again is refused. */
  known: boolean;
}

/**
 * The vendor's lines for display: name, price, whether the player's Information
 * covers it, and for ability code whether the character already has the
 * ability (`acquired`: ability ids from the loadout message's catalog).
 */
export function offerRows(
  vendor: Vendor,
  information: number | undefined,
  acquired: ReadonlySet<string> = new Set(),
): OfferRow[] {
  return vendor.sells.map((o) => ({
    itemId: o.itemId,
    name: o.name ?? o.itemId,
    price: `${o.price.toLocaleString("en-US")} info`,
    // Unknown funds (no inventory yet): let the server decide.
    affordable: information === undefined || information >= o.price,
    note: o.teaches ? `lets you load ${o.teaches.name}` : "",
    known: o.teaches !== undefined && acquired.has(o.teaches.id),
  }));
}

/** "Buys back at 25% of value", or "" when the route does not say. */
export function buyBackText(vendor: Vendor): string {
  return vendor.buyBackRate === undefined
    ? ""
    : `Buys back at ${Math.round(vendor.buyBackRate * 100)}% of value`;
}
