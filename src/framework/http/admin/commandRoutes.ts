import { CommandRequest } from "../../contract/commands.js";
import { z } from "zod";
import { parseBody } from "../body.js";
import {
  ApprovalBody,
  ApprovalDecisionBody,
  CommandInfoBody,
  CommandOutcomeBody,
  GmActionBody,
  QUEUED,
} from "../responseSchemas.js";
import { type AdminKit, parseId } from "./AdminKit.js";

/** GM commands over HTTP: the same registry as the in-game `gm` message, plus reverse, replay, approvals. */
export function registerCommandRoutes(kit: AdminKit): void {
  const { deps, add, asHttp } = kit;

  add(
    {
      method: "get",
      path: "/commands",
      summary: "The GM commands you may run, with usage and help",
      response: z.array(CommandInfoBody),
    },
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
      response: CommandOutcomeBody,
      otherAnswers: QUEUED,
      errors: {
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
      response: GmActionBody,
      errors: { 404: "No such action" },
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
      response: CommandOutcomeBody,
      otherAnswers: QUEUED,
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
      response: CommandOutcomeBody,
      otherAnswers: QUEUED,
      errors: { 404: "No such action", 409: "Not replayable" },
    },
    async (req, { actor }) => asHttp(await deps.commands.replay(actor, parseId(req.params.id))),
  );

  add(
    {
      method: "get",
      path: "/approvals",
      summary: "Commands waiting for a second GM (two-person rule)",
      permission: "gm.approve",
      response: z.array(ApprovalBody),
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
        response: ApprovalDecisionBody,
        otherAnswers: QUEUED,
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
