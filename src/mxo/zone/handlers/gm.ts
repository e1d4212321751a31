import { CommandRequest, GmMetricsMessage } from "../../../framework/contract/commands.js";
import type { Actor } from "../../../framework/commands/Command.js";
import type { ZoneAuth } from "../../../framework/zone/ZoneServices.js";
import { AppError } from "../../../framework/util/errors.js";
import { serviceUnavailable } from "../../../framework/util/faults.js";
import type { DistrictContext } from "../DistrictContext.js";
import { handler } from "./MessageHandler.js";

/**
 * Who sends a privileged message, for the registry: its permissions are read
 * from the database there, so a demotion holds at once. A staff session that
 * has not proved a second factor is marked (the registry refuses it); when
 * that cannot be checked, the refusal is returned instead.
 */
async function gmActor(ctx: DistrictContext, sessionId: string, auth: ZoneAuth): Promise<Actor | AppError> {
  const { accountId, authSessionId, username } = auth;
  try {
    // A player promoted to staff while in play has not passed the join-time check.
    const secondFactorMissing = !(await ctx.services.auth.staffMfaSatisfied(accountId, authSessionId));
    const characterName = ctx.members.get(sessionId)?.name;
    return { accountId, username, via: "game", characterName, secondFactorMissing };
  } catch (err) {
    return err instanceof AppError ? err : serviceUnavailable("GM commands");
  }
}

/** `gm {command, args}`: the GM console's commands, through the same registry, checks and records as the admin API. */
export const gm = handler({
  type: "gm",
  schema: CommandRequest,
  async handle(ctx, client, msg) {
    if (!client.auth) return;
    const actor = await gmActor(ctx, client.sessionId, client.auth);
    if (actor instanceof AppError) {
      client.send("gm:result", {
        ok: false,
        code: actor.code,
        httpStatus: actor.status,
        message: actor.message,
      });
      return;
    }
    client.send("gm:result", await ctx.services.commands.run(actor, msg.command, msg.args));
  },
});

/**
 * `gm:metrics {on}`: a once-a-second stream of server figures. Joining it is
 * the registry's `metrics` command (permission, audit); leaving needs nothing.
 */
export const gmMetrics = handler({
  type: "gm:metrics",
  gate: "gm",
  schema: GmMetricsMessage,
  async handle(ctx, client, msg) {
    if (!client.auth) return;
    if (!msg.on) return ctx.gmMetrics.unsubscribe(client.sessionId);
    const actor = await gmActor(ctx, client.sessionId, client.auth);
    if (actor instanceof AppError) return ctx.error(client, actor.code, actor.message);
    const outcome = await ctx.services.commands.run(actor, "metrics", [], { from: "owner" });
    if (!outcome.ok) return ctx.error(client, outcome.code ?? "forbidden", outcome.message);
    ctx.gmMetrics.subscribe(client.sessionId);
  },
});
