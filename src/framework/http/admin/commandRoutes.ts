import { CommandRequest } from "../../contract/commands.js";
import { parseBody } from "../body.js";
import { type AdminKit, parseId } from "./AdminKit.js";

/** GM commands over HTTP: the same registry as the in-game `gm` message, plus reverse, replay, approvals. */
export function registerCommandRoutes(kit: AdminKit): void {
  const { deps, add, asHttp } = kit;

  add(
    { method: "get", path: "/commands", summary: "The GM commands you may run, with usage and help" },
    async (_req, { principal }) => deps.commands.available(principal.accountId),
  );

  // The registry checks the command's own permission, the rank rule and the
  // two-person rule, and audits every attempt: the route adds nothing to it.
  add(
    {
      method: "post",
      path: "/commands",
      summary: "Run a GM command (contract §5), exactly as the in-game gm message does",
      body: CommandRequest,
      errors: {
        202: "Queued for a second GM's approval",
        403: "Missing the command's permission, or the target ranks at or above you (outranked, self)",
        404: "No such target, or it is not online",
        409: "Refused by the state of things (e.g. not banned, holds too few)",
      },
    },
    async (req, { actor }) => {
      const body = parseBody(req, CommandRequest);
      return asHttp(await deps.commands.run(actor, body.command, body.args));
    },
  );

  add(
    {
      method: "get",
      path: "/gm-actions/:id",
      summary: "One GM action: command, inverse, reversal",
      permission: "gm.view.actions",
    },
    async (req) => deps.commands.action(parseId(req.params.id)),
  );
  add(
    {
      method: "post",
      path: "/gm-actions/:id/reverse",
      summary:
        "Run the action's inverse (once) under your permissions and rank, and mark it reversed; 202 when it waits for a second GM",
      permission: "gm.command.reverse",
      errors: {
        403: "Not permitted on that target",
        404: "No such action",
        409: "Irreversible or already reversed",
      },
    },
    async (req, { actor }) => asHttp(await deps.commands.reverse(actor, parseId(req.params.id))),
  );
  add(
    {
      method: "post",
      path: "/gm-actions/:id/replay",
      summary:
        "Run a replayable action again under every rule of the original (permission, rank, two-person thresholds)",
      permission: "gm.command.replay",
      errors: { 202: "Queued for a second GM's approval", 404: "No such action", 409: "Not replayable" },
    },
    async (req, { actor }) => asHttp(await deps.commands.replay(actor, parseId(req.params.id))),
  );

  add(
    {
      method: "get",
      path: "/approvals",
      summary: "Commands waiting for a second GM (two-person rule)",
      permission: "gm.approve",
    },
    async () => deps.commands.approvals(),
  );
  for (const decision of ["approve", "reject"] as const) {
    add(
      {
        method: "post",
        path: `/approvals/:id/${decision}`,
        summary: decision === "approve" ? "Approve (and run) a queued command" : "Reject a queued command",
        permission: "gm.approve",
        errors: {
          403: "Your own request, missing the command's permission, or the target does not rank below you",
          409: "Already decided",
        },
      },
      async (req, { actor }) => {
        const outcome = await deps.commands.decide(actor, parseId(req.params.id), decision === "approve");
        return "actionId" in outcome ? asHttp(outcome) : outcome;
      },
    );
  }
}
