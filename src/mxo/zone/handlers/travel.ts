import { TravelMessage } from "../../contract/clientMessages.js";
import { handler } from "./MessageHandler.js";

/**
 * `travel {district}`: the character is stored at the target's arrival point
 * and handed to a room of that district (on whichever process hosts it); the
 * client gets the reservation. On any failure it stays where it was.
 */
export const travel = handler({
  type: "travel",
  schema: TravelMessage,
  async handle(ctx, client, msg) {
    const s = ctx.services;
    if (!ctx.members.has(client.sessionId) || ctx.isTraveling(client.sessionId)) return;
    if (msg.district === ctx.def.id) {
      return ctx.error(client, "already_here", `You are already in ${ctx.def.name}`);
    }
    if (!s.districts.get(msg.district)) {
      return ctx.error(client, "unknown_district", `Unknown district "${msg.district}"`);
    }
    if (ctx.disposing)
      return ctx.error(client, "draining", "This server is restarting; join again to continue");
    if (s.redis && !s.redis.up) {
      return ctx.error(client, "unavailable", "Travel is unavailable right now; try again shortly");
    }
    // sendTo tells the client what went wrong; nothing more to do here.
    await ctx.sendTo(client, msg.district).catch(() => {});
  },
});
