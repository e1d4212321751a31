import { z } from "zod";
import type { Escalations } from "../auth/Escalations.js";
import type { PermissionService } from "../auth/PermissionService.js";
import { escalationApprovalRefusal } from "../auth/permissions.js";
import type { Command } from "./Command.js";
import { refusal } from "./Command.js";
import { positional } from "./args.js";

const ReasonInput = z.object({ reason: z.string().min(3).max(256) });

const none = positional((r) => r.end());
const escalationId = positional((r) => {
  const id = r.id();
  r.end();
  return { id };
});

const shared = { console: false, needsCluster: false, reversible: false, replayable: false } as const;

/**
 * Temporary GM escalation with a second person: a tier-1 or tier-2 GM asks,
 * someone ranked at the tier asked for or above, and holding all of it,
 * approves; only then does the tier count, for GM_ESCALATION_SECONDS.
 * Anyone may ask or end their own (the request itself says who may escalate).
 */
export function escalationCommands(escalations: Escalations, permissions: PermissionService) {
  const request: Command<void, z.infer<typeof ReasonInput>> = {
    ...shared,
    name: "escalation.request",
    permission: null,
    usage: "escalation.request + input {reason}",
    help: "Asks for your GM tier +1 for a limited time (tier 1 → 2, tier 2 → 3); it runs once a second person approves (POST /api/v1/admin/escalations).",
    args: none,
    input: ReasonInput,
    async execute(ctx, _args, { reason }) {
      const e = await escalations.request(ctx.actor.accountId, ctx.standing.ownRoles, reason);
      return {
        ok: true,
        message: `Asked to escalate to ${e.role}: ${reason}`,
        target: ctx.actor.username,
        newValue: { id: e.id, role: e.role, status: e.status },
        data: e,
      };
    },
  };

  const approve: Command<{ id: string }> = {
    ...shared,
    name: "escalation.approve",
    permission: "gm.approve",
    usage: "escalation.approve <id>",
    help: "Approves someone else's escalation: you must rank at the tier asked for or above and hold all of it.",
    args: escalationId,
    async execute(ctx, { id }) {
      const asked = await escalations.byId(id);
      if (asked.status !== "pending") {
        return refusal(409, "already_decided", `Escalation ${asked.id} is already running`);
      }
      const requester = await permissions.standing(asked.accountId, "not_found");
      const refused = escalationApprovalRefusal(
        ctx.standing,
        requester,
        asked.role,
        await permissions.grantsOf(),
      );
      if (refused) return refusal(403, "forbidden", `Not permitted: ${refused}`);
      const e = await escalations.approve(asked.id, ctx.actor.accountId);
      return {
        ok: true,
        message: `Approved ${asked.username}'s escalation to ${e.role} until ${e.expiresAt?.toISOString()}: ${asked.reason}`,
        target: asked.username,
        newValue: { role: e.role, expiresAt: e.expiresAt?.toISOString() },
        data: e,
      };
    },
  };

  const reject: Command<{ id: string }> = {
    ...shared,
    name: "escalation.reject",
    permission: "gm.approve",
    usage: "escalation.reject <id>",
    help: "Turns down someone else's escalation request.",
    args: escalationId,
    async execute(ctx, { id }) {
      const asked = await escalations.byId(id);
      if (asked.accountId === ctx.actor.accountId) {
        return refusal(403, "same_person", "Withdraw your own request with DELETE /escalations/mine");
      }
      const e = await escalations.reject(asked.id, ctx.actor.accountId);
      return {
        ok: true,
        message: `Rejected ${asked.username}'s escalation to ${e.role}`,
        target: asked.username,
        data: { ...e, status: "rejected" },
      };
    },
  };

  const end: Command<void> = {
    ...shared,
    name: "escalation.end",
    permission: null,
    usage: "escalation.end",
    help: "Ends your escalation early, or withdraws your request.",
    args: none,
    async execute(ctx) {
      const e = await escalations.end(ctx.actor.accountId);
      return {
        ok: true,
        message: e.status === "active" ? `Ended escalation to ${e.role}` : `Withdrew request for ${e.role}`,
        target: ctx.actor.username,
        oldValue: { role: e.role, status: e.status, expiresAt: e.expiresAt?.toISOString() ?? null },
      };
    },
  };

  return [request, approve, reject, end];
}
