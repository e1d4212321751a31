import type { CharacterSheet } from "../contract/serverMessages.js";
import type { DistrictContext } from "./DistrictContext.js";

/**
 * The `character` sheet (contract §7): level, experience, attributes, unspent
 * points and derived figures, sent on join and after every change of level,
 * experience, attributes or equipment.
 */

/** The sheet of a player in this room, as the simulation holds it now. */
export function characterSheet(ctx: DistrictContext, sessionId: string): CharacterSheet | undefined {
  return ctx.sim.sheetOf(sessionId);
}

/** Sends the player its sheet (nothing when it is not in the simulation). */
export function sendSheet(ctx: DistrictContext, sessionId: string): void {
  const sheet = characterSheet(ctx, sessionId);
  if (sheet) ctx.tell([sessionId], "character", sheet);
}

/**
 * The member's equipment (the single truth, `Member.equipment`) changed:
 * combat takes it at once, then the sheet and the inventory (which marks what
 * is equipped) follow.
 */
export function applyEquipment(ctx: DistrictContext, sessionId: string): void {
  const meta = ctx.members.get(sessionId);
  if (!meta) return;
  ctx.sim.setEquipment(sessionId, meta.equipment);
  sendSheet(ctx, sessionId);
  ctx.inventory.send(sessionId);
}
