import { randomUUID } from "node:crypto";
import { CURRENCY } from "../../framework/economy/ledgerOps.js";
import { IdempotencyConflictError, InsufficientQuantityError } from "../../framework/economy/errors.js";
import { isServiceFault } from "../../framework/util/faults.js";
import type { VendorMessage } from "../contract/clientMessages.js";
import type { VendorDef } from "../content/schema/district.js";
import {
  checkPurchase,
  checkSale,
  insufficient,
  tradeLegs,
  vendorKey,
  type VendorCheck,
} from "../rules/vendors.js";
import { acquiredBy } from "./acquiredAbilities.js";
import type { DistrictContext } from "./DistrictContext.js";
import type { DistrictClient } from "./DistrictServices.js";

/** Waits before each retry of a ledger write that met a database fault (same key each time). */
const RETRY_DELAYS_MS = [200, 800];

/**
 * Purchases from and sales to the vendors of a district: the rules refuse at
 * once what cannot succeed (by the ledger's last reading), then one ledger
 * batch moves Information and items together under a key naming the
 * operation, retried with that key after a database fault, so it applies once.
 */
export async function vendorTrade(
  ctx: DistrictContext,
  client: DistrictClient,
  kind: "buy" | "sell",
  msg: VendorMessage,
): Promise<void> {
  const meta = ctx.members.get(client.sessionId);
  const player = ctx.sim.player(client.sessionId);
  if (!meta || !player || ctx.isTraveling(client.sessionId)) return;
  const vendor = findVendor(ctx, msg.vendorId);
  if (!vendor)
    return ctx.error(client, "not_found", `There is no vendor "${msg.vendorId}" in ${ctx.def.name}`);
  const item = ctx.content.item(msg.itemId);
  const equipped = Object.values(meta.equipment).includes(msg.itemId);
  const teaches = kind === "buy" ? item?.teaches : undefined;
  const knownAbility =
    teaches !== undefined && acquiredBy(ctx, client.sessionId)(teaches)
      ? (ctx.content.ability(teaches)?.name ?? teaches)
      : undefined;
  const check: VendorCheck =
    kind === "buy"
      ? checkPurchase({
          vendor,
          item,
          itemId: msg.itemId,
          qty: msg.qty,
          at: player,
          information: meta.holdings?.information,
          knownAbility,
        })
      : checkSale({
          vendor,
          item,
          itemId: msg.itemId,
          qty: msg.qty,
          at: player,
          held: ctx.inventory.held(client.sessionId, msg.itemId),
          equipped,
        });
  if (!check.ok) return ctx.error(client, check.code, check.message);
  const ledgerKind = kind === "buy" ? "purchase" : "sale";
  const key = vendorKey(kind, meta.characterId, msg.requestId ?? randomUUID());
  const batch = {
    legs: tradeLegs(ledgerKind, meta.characterId, msg.itemId, msg.qty, check.total, CURRENCY),
    idempotencyKey: key,
    reason: `${ledgerKind} of ${msg.qty} ${msg.itemId} at vendor ${vendor.id}`,
    actor: "game",
  };
  try {
    const result = await withRetries(() => ctx.services.ledger.applyAll(batch));
    if (!result.replayed) {
      ctx.analytics(client.sessionId, ledgerKind, check.total, {
        vendor: vendor.id,
        item: msg.itemId,
        qty: msg.qty,
      });
    }
  } catch (err) {
    if (!ctx.members.has(client.sessionId)) return;
    if (err instanceof InsufficientQuantityError) {
      if (err.itemId === CURRENCY && item) {
        const r = insufficient(item, msg.qty, check.total, err.held);
        ctx.error(client, r.code, r.message);
      } else {
        ctx.error(client, "not_owned", `You no longer hold ${msg.qty} of ${item?.name ?? msg.itemId}`);
      }
    } else if (err instanceof IdempotencyConflictError) {
      ctx.error(client, "invalid_message", "That requestId already names another purchase or sale");
    } else {
      if (!isServiceFault(err))
        ctx.services.log.error({ err, character: meta.name, key }, `${ledgerKind} failed`);
      ctx.error(client, "unavailable", "The vendor cannot trade right now; try again shortly");
    }
  } finally {
    // Also after a refusal: the reading the rules trusted was stale.
    void ctx.inventory.refresh(client.sessionId);
  }
}

/** A vendor of this district (in the content in force) by id. */
function findVendor(ctx: DistrictContext, id: string): VendorDef | undefined {
  const district = ctx.content.district(ctx.def.id) ?? ctx.def;
  return district.vendors.find((v) => v.id === id);
}

async function withRetries<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      const delay = RETRY_DELAYS_MS[attempt];
      if (delay === undefined || !isServiceFault(err)) throw err;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
