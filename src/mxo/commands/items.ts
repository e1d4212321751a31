import type { ContentPack } from "../content/ContentPack.js";
import { InsufficientQuantityError, UnknownCharacterError } from "../../framework/economy/errors.js";
import { CURRENCY } from "../../framework/economy/ledgerOps.js";
import type { Command, CommandContext, CommandResult } from "../../framework/commands/Command.js";
import { GIVE_BUDGET_HOURS, refusal } from "../../framework/commands/Command.js";
import { ArgError, characterTarget, positional } from "../../framework/commands/args.js";
import { actMxo } from "../zone/MxoGmOp.js";

interface ItemArgs {
  target: string;
  itemId: string;
  quantity: number;
}

const itemArgs = positional((r) => {
  const target = r.name();
  const itemId = r.word("itemId");
  if (!/^[a-z0-9_.:-]{1,64}$/i.test(itemId)) throw new ArgError(`<itemId> "${itemId}" is not an item id`);
  const quantity = r.optionalNumber("qty", 1, { min: 1, max: 1_000_000_000, integer: true });
  r.end();
  return { target, itemId, quantity };
});

/** Currency is the economy itself: moving it needs more than handing out items (contract §4). */
export const CURRENCY_PERMISSION = "economy.currency";

function checkItem(ctx: CommandContext, content: ContentPack, itemId: string): CommandResult | undefined {
  if (itemId === CURRENCY) {
    return ctx.can(CURRENCY_PERMISSION)
      ? undefined
      : refusal(403, "forbidden", `Not permitted: ${CURRENCY} needs ${CURRENCY_PERMISSION}`);
  }
  return content.item(itemId) ? undefined : refusal(400, "unknown_item", `Unknown item "${itemId}"`);
}

/**
 * A character in play sees what a GM gave or took at once: the room holding
 * it (on any process) reads its inventory again. The change itself is already
 * in the ledger, so a room that cannot be reached only delays the display
 * until the next change or join.
 */
async function showInventory(ctx: CommandContext, characterId: string, name: string): Promise<void> {
  const online = await ctx.world.whereIs(name).catch(() => undefined);
  if (!online) return;
  await actMxo(ctx.world, online.roomId, { op: "inventory", characterId }).catch(() => undefined);
}

/**
 * `give` and `take`, checked against the items of the content running now
 * (it changes with deploys).
 */
export function itemCommands(content: () => ContentPack) {
  /** `give <target> <itemId> [qty]`: through the ledger, online or offline, keyed by the action id. */
  const give: Command<ItemArgs> = {
    name: "give",
    permission: "gm.command.give",
    usage: "give <target> <itemId> [qty]",
    help: `Grants items (or ${CURRENCY}, which also needs ${CURRENCY_PERMISSION}) through the ledger; works offline.`,
    reversible: true,
    replayable: true,
    args: itemArgs,
    target: characterTarget,
    // Giving oneself anything takes a second person who outranks the giver.
    onSelf: "approval",
    // The threshold holds over repeats and replays: what one GM gives one
    // character alone adds up over the budget window.
    async needsApproval(a, policy, history) {
      if (a.quantity > policy.bulkGiveThreshold) {
        return `a give of ${a.quantity} is above the bulk threshold of ${policy.bulkGiveThreshold}`;
      }
      const earlier = await history.soloGiven(a.itemId);
      return earlier + a.quantity > policy.bulkGiveThreshold
        ? `with ${earlier} ${a.itemId} you gave alone in the last ${GIVE_BUDGET_HOURS} h, ${a.quantity} more passes the bulk threshold of ${policy.bulkGiveThreshold}`
        : undefined;
    },
    async execute(ctx, a) {
      const refused = checkItem(ctx, content(), a.itemId);
      if (refused) return refused;
      const character = await ctx.world.character(a.target);
      const entry = await ctx.world.ledger.apply({
        characterId: character.id,
        itemId: a.itemId,
        quantity: a.quantity,
        kind: "gm_give",
        idempotencyKey: `gm:${ctx.actionId}`,
        reason: `gm give by ${ctx.actor.username}`,
        actor: ctx.actor.username,
      });
      await showInventory(ctx, character.id, character.name);
      return {
        ok: true,
        message: `Gave ${a.quantity} ${a.itemId} to ${character.name} (now ${entry.balance})`,
        target: character.name,
        oldValue: { [a.itemId]: entry.balance - a.quantity },
        newValue: { [a.itemId]: entry.balance },
        inverse: { command: "take", args: [character.name, a.itemId, String(a.quantity)] },
        data: { ledgerEntryId: entry.entryId, balance: entry.balance },
      };
    },
  };

  /** `take <target> <itemId> [qty]`: the reverse of give; refused if the character holds less. */
  const take: Command<ItemArgs> = {
    name: "take",
    permission: "gm.command.take",
    usage: "take <target> <itemId> [qty]",
    help: "Removes items (or currency) through the ledger; refused if the character holds fewer.",
    reversible: true,
    replayable: true,
    args: itemArgs,
    target: characterTarget,
    // Taking from oneself only loses; it is also how one's own approved give is undone.
    onSelf: "allow",
    async execute(ctx, a) {
      const refused = checkItem(ctx, content(), a.itemId);
      if (refused) return refused;
      const character = await ctx.world.character(a.target);
      try {
        const entry = await ctx.world.ledger.apply({
          characterId: character.id,
          itemId: a.itemId,
          quantity: -a.quantity,
          kind: "gm_take",
          idempotencyKey: `gm:${ctx.actionId}`,
          reason: `gm take by ${ctx.actor.username}`,
          actor: ctx.actor.username,
        });
        await showInventory(ctx, character.id, character.name);
        return {
          ok: true,
          message: `Took ${a.quantity} ${a.itemId} from ${character.name} (now ${entry.balance})`,
          target: character.name,
          oldValue: { [a.itemId]: entry.balance + a.quantity },
          newValue: { [a.itemId]: entry.balance },
          inverse: { command: "give", args: [character.name, a.itemId, String(a.quantity)] },
          data: { ledgerEntryId: entry.entryId, balance: entry.balance },
        };
      } catch (err) {
        if (err instanceof InsufficientQuantityError || err instanceof UnknownCharacterError) {
          return refusal(err.status, err.code, `${character.name}: ${err.message}`, character.name);
        }
        throw err;
      }
    },
  };
  return { give, take };
}
