import { EquipMessage, UnequipMessage } from "../../contract/clientMessages.js";
import { checkEquip } from "../../rules/character/equipment.js";
import { handler } from "./MessageHandler.js";

/**
 * `equip {itemId}`: wears or wields an item the player holds, in its slot
 * (a weapon's, or the clothing's own); whatever was there goes back to the
 * bag (a swap). `not_owned`, `not_equippable`, `level_too_low`. The item
 * stays in the inventory, marked equipped; `Member.equipment` is the one
 * record of it (vendors and trades refuse what is listed there), saved with
 * the character.
 */
export const equip = handler({
  type: "equip",
  schema: EquipMessage,
  handle(ctx, client, msg) {
    const id = client.sessionId;
    const meta = ctx.members.get(id);
    const player = ctx.sim.player(id);
    // A travel already saved the character: a change now would be lost on arrival.
    if (!meta || !player || ctx.isTraveling(id)) return;
    const item = ctx.content.item(msg.itemId);
    if (!item || ctx.inventory.held(id, item.id) <= 0) {
      return ctx.error(client, "not_owned", `You do not have ${item ? item.name : "that item"}`);
    }
    const check = checkEquip(item, player.level);
    if (!check.ok) return ctx.error(client, check.code, check.message);
    if (meta.equipment[check.slot] === item.id) return ctx.inventory.send(id);
    meta.equipment[check.slot] = item.id;
    ctx.equipmentChanged(id);
    ctx.saveLater(id);
  },
});

/** `unequip {slot}`: the item in that slot goes back to the bag (`not_found` when the slot is empty). */
export const unequip = handler({
  type: "unequip",
  schema: UnequipMessage,
  handle(ctx, client, msg) {
    const id = client.sessionId;
    const meta = ctx.members.get(id);
    if (!meta || ctx.isTraveling(id)) return;
    if (!Object.hasOwn(meta.equipment, msg.slot)) {
      return ctx.error(client, "not_found", `Nothing is equipped in your ${msg.slot} slot`);
    }
    delete meta.equipment[msg.slot];
    ctx.equipmentChanged(id);
    ctx.saveLater(id);
  },
});
