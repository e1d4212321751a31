import { AbilityMessage, InterlockMessage } from "../../contract/clientMessages.js";
import { handler } from "./MessageHandler.js";

/** `ability {abilityId, targetId}`: a free attack (or an interlock opener) through the simulation. */
export const ability = handler({
  type: "ability",
  schema: AbilityMessage,
  handle(ctx, client, msg) {
    if (!ctx.members.has(client.sessionId)) return;
    // A ranged shot is judged where the shooter saw its target (lag compensation).
    const seen = ctx.seenBy(client, msg.targetId);
    const result = ctx.sim.useAbility(client.sessionId, msg.abilityId, msg.targetId, seen);
    if (!result.ok) ctx.error(client, result.error.code, result.error.message);
  },
});

/** `interlock {action}`: this round's choice in close combat. */
export const interlock = handler({
  type: "interlock",
  schema: InterlockMessage,
  handle(ctx, client, msg) {
    if (!ctx.members.has(client.sessionId)) return;
    const result = ctx.sim.interlock(client.sessionId, msg.action);
    if (!result.ok) ctx.error(client, result.error.code, result.error.message);
  },
});
