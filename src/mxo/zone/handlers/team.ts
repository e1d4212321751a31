import type { ChatLine } from "../../../framework/cluster/ClusterBus.js";
import { TeamMessage } from "../../contract/clientMessages.js";
import type { DistrictContext } from "../DistrictContext.js";
import type { DistrictClient } from "../DistrictServices.js";
import { handler } from "./MessageHandler.js";

/**
 * `team {action, …}`: invite a character by name (on any district or
 * process), accept or decline the pending invite, leave, or kick (leader).
 * Refusals come back as `error`; every change reaches each member concerned
 * as a fresh `team` message, wherever it plays.
 */
export const team = handler({
  type: "team",
  schema: TeamMessage,
  async handle(ctx, client, msg) {
    const teams = ctx.teams;
    const seat = teams.seat(client.sessionId);
    if (!seat) return;
    if (!clusterUp(ctx, client)) return;
    try {
      const outcome = await (() => {
        switch (msg.action) {
          case "invite":
            return teams.service.invite(seat, msg.name);
          case "accept":
            return teams.service.accept(seat);
          case "decline":
            return teams.service.decline(seat.characterId);
          case "leave":
            return teams.service.leave(seat.characterId);
          case "kick":
            return teams.service.kick(seat.characterId, msg.name);
        }
      })();
      if (!outcome.ok) ctx.error(client, outcome.code, outcome.message);
    } catch (err) {
      ctx.services.log.warn({ err, action: msg.action }, "team change failed");
      ctx.error(client, "unavailable", "Teams are unavailable right now; try again shortly");
    }
  },
});

/** A `team` chat line: to every member of the speaker's team that is in play, on any process. */
export async function teamChat(ctx: DistrictContext, client: DistrictClient, line: ChatLine): Promise<void> {
  const seat = ctx.teams.seat(client.sessionId);
  if (!seat || !clusterUp(ctx, client)) return;
  try {
    const members = await ctx.teams.service.members(seat.characterId);
    if (members.length === 0) return ctx.error(client, "not_in_team", "You are not in a team");
    await Promise.all(
      members
        .filter((m) => m.online)
        .map((m) => ctx.services.bus.send("mxo:chat", { line, toCharacterId: m.characterId })),
    );
  } catch {
    ctx.error(client, "unavailable", "Team chat is unavailable right now; say still works");
  }
}

function clusterUp(ctx: DistrictContext, client: DistrictClient): boolean {
  const redis = ctx.services.redis;
  if (!redis || redis.up) return true;
  ctx.error(client, "unavailable", "Teams are unavailable right now; try again shortly");
  return false;
}
