import { randomUUID } from "node:crypto";
import { InsufficientQuantityError } from "../../../framework/economy/errors.js";
import { UseMessage } from "../../contract/clientMessages.js";
import type { Member } from "../DistrictContext.js";
import { handler } from "./MessageHandler.js";

/** Items each member is using right now (the ledger is taking one): a second use waits for the first. */
const using = new WeakMap<Member, Set<string>>();

/**
 * `use {itemId}`: one consumable (`not_owned`, `not_usable`, `on_cooldown`).
 * The ledger takes the item first, under a key naming this one use; only
 * then does the simulation apply its heal, Inner Strength and timed
 * modifiers and start its cooldown (here, between two steps: a handler's
 * continuation never runs inside a tick). A take that fails applies
 * nothing; a player defeated while the ledger answered gets the item back.
 */
export const use = handler({
  type: "use",
  schema: UseMessage,
  async handle(ctx, client, msg) {
    const id = client.sessionId;
    const meta = ctx.members.get(id);
    // A travel already saved the character: a change now would be lost on arrival.
    if (!meta || ctx.isTraveling(id)) return;
    const item = ctx.content.item(msg.itemId);
    if (!item || ctx.inventory.held(id, item.id) <= 0) {
      return ctx.error(client, "not_owned", `You do not have ${item ? item.name : "that item"}`);
    }
    const check = ctx.sim.checkItemUse(id, item);
    if (!check.ok) return ctx.error(client, check.code, check.message);
    const busy = using.get(meta) ?? new Set<string>();
    using.set(meta, busy);
    if (busy.has(item.id)) return ctx.error(client, "on_cooldown", `${item.name} is already being used`);
    busy.add(item.id);
    const { ledger, log } = ctx.services;
    const take = {
      characterId: meta.characterId,
      itemId: item.id,
      idempotencyKey: `use:${meta.characterId}:${item.id}:${randomUUID()}`,
      reason: `used ${item.name}`,
      actor: "game",
    };
    try {
      await ledger.apply({ ...take, quantity: -1, kind: "take" });
    } catch (err) {
      if (err instanceof InsufficientQuantityError) {
        ctx.error(client, "not_owned", `You do not have ${item.name}`);
      } else {
        log.warn({ err, character: meta.name, item: item.id }, "consumable take failed");
        ctx.error(client, "unavailable", `${item.name} could not be used right now; try again`);
      }
      void ctx.inventory.refresh(id);
      return;
    } finally {
      busy.delete(item.id);
    }
    // Still here (not gone or travelling since the ledger was asked), and still able to use it.
    const here = ctx.members.get(id) === meta && !ctx.isTraveling(id);
    const applied = here ? ctx.sim.useItem(id, item) : undefined;
    if (!applied?.ok) {
      await ledger
        .apply({ ...take, idempotencyKey: `${take.idempotencyKey}:back`, quantity: 1, kind: "grant" })
        .catch((err) =>
          log.error({ err, character: meta.name, item: item.id }, "consumable give-back failed"),
        );
      if (applied) ctx.error(client, applied.code, applied.message);
    }
    if (ctx.members.get(id) === meta) void ctx.inventory.refresh(id);
  },
});
