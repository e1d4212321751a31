import { AllocateMessage } from "../../contract/clientMessages.js";
import { sendSheet } from "../CharacterSheets.js";
import { handler } from "./MessageHandler.js";

/**
 * `allocate {stat}`: spends one unspent attribute point (`no_points`,
 * `stat_capped`). Max HP, Inner Strength and the combat figures follow at
 * once; the attributes are saved; the sheet is sent again.
 */
export const allocate = handler({
  type: "allocate",
  schema: AllocateMessage,
  handle(ctx, client, msg) {
    const id = client.sessionId;
    const meta = ctx.members.get(id);
    // A travel already saved the character: a change now would be lost on arrival.
    if (!meta || ctx.isTraveling(id)) return;
    const result = ctx.sim.allocate(id, msg.stat);
    if (!result.ok) return ctx.error(client, result.code, result.message);
    meta.stats = ctx.sim.statsOf(id) ?? meta.stats;
    ctx.saveLater(id);
    sendSheet(ctx, id);
  },
});
