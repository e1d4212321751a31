import { TravelMessage } from "../../contract/clientMessages.js";
import { hardlineArrival } from "../../rules/hardlineTravel.js";
import { HARDLINE_REACH, nearestHardline } from "./loadout.js";
import { handler } from "./MessageHandler.js";

/**
 * `travel {district, hardline?}`: jacking out at a hardline of this district
 * (within the reach the loadout uses) and in at the named hardline of the
 * target (its arrival one by default). The character is stored there and
 * handed to a room of that district (on whichever process hosts it); the
 * client gets the reservation. On any failure it stays where it was. A GM's
 * `teleport` moves players from anywhere without this handler.
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
    const target = ctx.content.district(msg.district) ?? s.districts.get(msg.district);
    if (!target) {
      return ctx.error(client, "unknown_district", `Unknown district "${msg.district}"`);
    }
    const player = ctx.sim.player(client.sessionId);
    const near = player ? nearestHardline(ctx.sim.district.hardlines, player) : undefined;
    if (!near || near.distance > HARDLINE_REACH) {
      return ctx.error(
        client,
        "not_at_hardline",
        near
          ? `Travel from a hardline: ${near.hardline.name} is ${Math.round(near.distance)} units away`
          : "There is no hardline to travel from here",
      );
    }
    const arrival = hardlineArrival(target, msg.hardline);
    if (!arrival) {
      return ctx.error(
        client,
        "unknown_hardline",
        `${target.name} has no hardline "${msg.hardline}"; its hardlines are ${target.hardlines.map((h) => h.name).join(", ")}`,
      );
    }
    if (ctx.disposing)
      return ctx.error(client, "draining", "This server is restarting; join again to continue");
    if (s.redis && !s.redis.up) {
      return ctx.error(client, "unavailable", "Travel is unavailable right now; try again shortly");
    }
    // sendTo tells the client what went wrong; nothing more to do here.
    await ctx.sendTo(client, msg.district, arrival).catch(() => {});
  },
});
