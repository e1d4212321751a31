import { SAY_RADIUS } from "../../contract/chat.js";
import { TradeMessage } from "../../contract/clientMessages.js";
import type { DistrictContext } from "../DistrictContext.js";
import type { DistrictClient } from "../DistrictServices.js";
import { handler } from "./MessageHandler.js";

/**
 * `trade {action, …}` (contract §7): `open {with}` a character in say range
 * here (the window opens for both at once), `set` one's side, `confirm`,
 * `cancel`. The windows and the swap are the room's TradeDesk.
 */
export const trade = handler({
  type: "trade",
  schema: TradeMessage,
  handle(ctx, client, msg) {
    if (!ctx.members.has(client.sessionId)) return;
    if (msg.action === "open") return open(ctx, client, msg.with);
    const desk = ctx.trades;
    if (!desk.tradeOf(client.sessionId)) return ctx.error(client, "no_trade", "You are not trading");
    const refused =
      msg.action === "set"
        ? desk.set(client.sessionId, { items: msg.items, information: msg.information })
        : msg.action === "confirm"
          ? desk.confirm(client.sessionId)
          : desk.cancel(client.sessionId);
    if (refused) ctx.error(client, refused.code, refused.message);
  },
});

function open(ctx: DistrictContext, client: DistrictClient, name: string): void {
  const me = ctx.members.get(client.sessionId)!;
  const wanted = name.toLowerCase();
  if (me.name.toLowerCase() === wanted) {
    return ctx.error(client, "invalid_target", "You cannot trade with yourself");
  }
  let partner: string | undefined;
  for (const [sessionId, m] of ctx.members.entries()) {
    // A hidden GM is not there to trade with.
    if (m.name.toLowerCase() === wanted && !m.invisible) partner = sessionId;
  }
  const self = ctx.sim.player(client.sessionId);
  const other = partner === undefined ? undefined : ctx.sim.player(partner);
  if (!self || !other || !ctx.client(other.sessionId)) {
    return ctx.error(client, "out_of_reach", `${name} is not here`);
  }
  const distance = Math.hypot(other.x - self.x, other.y - self.y);
  if (distance > SAY_RADIUS) {
    const message = `${other.name} is ${Math.round(distance)} units away; trade within ${SAY_RADIUS}`;
    return ctx.error(client, "out_of_reach", message);
  }
  const busy = (sessionId: string, view: typeof self, who: string): string | undefined => {
    const trading = ctx.trades.tradeOf(sessionId);
    if (trading) return `${who} already trading`;
    if (ctx.isTraveling(sessionId)) return `${who} travelling`;
    if (view.dead) return `${who} defeated`;
    if (view.interlockId !== null) return `${who} in a fight`;
    return undefined;
  };
  const why = busy(client.sessionId, self, "You are") ?? busy(other.sessionId, other, `${other.name} is`);
  if (why) return ctx.error(client, "busy", why);
  ctx.trades.open(client.sessionId, other.sessionId);
}
