import { VendorMessage } from "../../contract/clientMessages.js";
import { vendorTrade } from "../vendorTrade.js";
import { handler } from "./MessageHandler.js";

/**
 * `buy {vendorId, itemId, qty?, requestId?}`: from a vendor within reach, for
 * Information, through the ledger. Answered by `inventory`, or an `error`.
 */
export const buy = handler({
  type: "buy",
  schema: VendorMessage,
  handle: (ctx, client, msg) => vendorTrade(ctx, client, "buy", msg),
});

/**
 * `sell {vendorId, itemId, qty?, requestId?}`: to a vendor within reach, for a
 * quarter of the item's value; not an equipped item. Answered by `inventory`, or an `error`.
 */
export const sell = handler({
  type: "sell",
  schema: VendorMessage,
  handle: (ctx, client, msg) => vendorTrade(ctx, client, "sell", msg),
});
