import { CommandRequest, GmMetricsMessage } from "../../../framework/contract/commands.js";

import { AppError } from "../../../util/errors.js";
import { serviceUnavailable } from "../../../util/faults.js";
import { handler } from "./MessageHandler.js";

/** `gm {command, args}`: privileged commands through the same registry, checks and records as the admin API. */
export const gm = handler({
  type: "gm",
  schema: CommandRequest,
  async handle(ctx, client, msg) {
    if (!client.auth) return;
    const s = ctx.services;
    const me = ctx.members.get(client.sessionId);
    const { accountId, authSessionId, username } = client.auth;
    let secondFactorMissing: boolean;
    try {
      // A player promoted to staff while in play has not passed the join-time check.
      secondFactorMissing = !(await s.auth.staffMfaSatisfied(accountId, authSessionId));
    } catch (err) {
      const refusal = err instanceof AppError ? err : serviceUnavailable("GM commands");
      client.send("gm:result", {
        ok: false,
        code: refusal.code,
        httpStatus: refusal.status,
        message: refusal.message,
      });
      return;
    }
    // Permissions are read from the database by the registry: a demotion holds at once.
    const outcome = await s.commands.run(
      { accountId, username, via: "game", characterName: me?.name, secondFactorMissing },
      msg.command,
      msg.args,
    );
    client.send("gm:result", outcome);
  },
});

/** `gm:metrics {on}`: subscribe to (or leave) a once-a-second stream of server figures; GMs only. */
export const gmMetrics = handler({
  type: "gm:metrics",
  gate: "gm",
  schema: GmMetricsMessage,
  async handle(ctx, client, msg) {
    if (!client.auth) return;
    if (!msg.on) return ctx.gmMetrics.unsubscribe(client.sessionId);
    if (!(await ctx.services.permissions.can(client.auth.accountId, "gm.view.metrics"))) {
      return ctx.error(client, "forbidden", "Not permitted: the metrics stream needs gm.view.metrics");
    }
    ctx.gmMetrics.subscribe(client.sessionId);
  },
});
