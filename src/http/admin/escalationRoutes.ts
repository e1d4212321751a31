import { z } from "zod";
import { escalationApprovalRefusal } from "../../auth/permissions.js";
import { conflict, forbidden } from "../../util/errors.js";
import { parseBody } from "../body.js";
import { WithStatus } from "../handler.js";
import { type AdminKit, parseId, safeText } from "./AdminKit.js";

const EscalationBody = z.object({ reason: safeText(z.string().min(3).max(256)) });

/**
 * Temporary GM escalation with a second person: a tier-1 or tier-2 GM asks
 * (202, pending), someone ranked at the tier asked for or above, and holding
 * all of it, approves; only then does the tier count, for
 * GM_ESCALATION_SECONDS.
 */
export function registerEscalationRoutes(kit: AdminKit): void {
  const { deps, add, record } = kit;

  const askSpec = add(
    {
      method: "post",
      path: "/escalations",
      summary:
        "Ask for your GM tier +1 for a limited time (tier 1 → 2, tier 2 → 3); runs once a second person approves",
      body: EscalationBody,
      status: 202,
      errors: { 403: "Not a tier-1 or tier-2 GM", 409: "One is already running or waiting" },
    },
    async (req, { principal, actor }) => {
      const { reason } = parseBody(req, EscalationBody);
      const own = await deps.auth.currentRoles(principal.accountId);
      const e = await deps.escalations.request(principal.accountId, own, reason);
      await record(actor, askSpec, req, {
        result: "ok",
        target: principal.username,
        message: `Asked to escalate to ${e.role}: ${reason}`,
        newValue: { id: e.id, role: e.role, status: e.status },
      });
      return e;
    },
  );

  add(
    {
      method: "get",
      path: "/escalations",
      summary: "Escalation requests waiting for a second person",
      permission: "gm.approve",
    },
    async () => deps.escalations.pending(),
  );

  const approveSpec = add(
    {
      method: "post",
      path: "/escalations/:id/approve",
      summary:
        "Approve someone else's escalation: you must rank at the tier asked for or above and hold all of it",
      permission: "gm.approve",
      errors: { 403: "Your own, or beyond what you hold", 404: "No such request", 409: "Already decided" },
    },
    async (req, { principal, actor }) => {
      const request = await deps.escalations.byId(parseId(req.params.id));
      if (request.status !== "pending")
        throw conflict("already_decided", `Escalation ${request.id} is already running`);
      const approver = await deps.permissions.standing(principal.accountId);
      const requester = await deps.permissions.standing(request.accountId, "not_found");
      const refused = escalationApprovalRefusal(
        approver,
        requester,
        request.role,
        await deps.permissions.grantsOf(),
      );
      if (refused) throw forbidden("forbidden", `Not permitted: ${refused}`);
      const e = await deps.escalations.approve(request.id, principal.accountId);
      await record(actor, approveSpec, req, {
        result: "ok",
        target: request.username,
        message: `Approved ${request.username}'s escalation to ${e.role} until ${e.expiresAt?.toISOString()}: ${request.reason}`,
        newValue: { role: e.role, expiresAt: e.expiresAt?.toISOString() },
      });
      return e;
    },
  );

  const rejectSpec = add(
    {
      method: "post",
      path: "/escalations/:id/reject",
      summary: "Turn down someone else's escalation request",
      permission: "gm.approve",
      errors: { 403: "Your own (withdraw it with DELETE /escalations/mine)", 409: "Already decided" },
    },
    async (req, { principal, actor }) => {
      const request = await deps.escalations.byId(parseId(req.params.id));
      if (request.accountId === principal.accountId) {
        throw forbidden("same_person", "Withdraw your own request with DELETE /escalations/mine");
      }
      const e = await deps.escalations.reject(request.id, principal.accountId);
      await record(actor, rejectSpec, req, {
        result: "ok",
        target: request.username,
        message: `Rejected ${request.username}'s escalation to ${e.role}`,
      });
      return new WithStatus(200, { ...e, status: "rejected" });
    },
  );

  const endSpec = add(
    {
      method: "delete",
      path: "/escalations/mine",
      summary: "End your escalation early, or withdraw your request",
      errors: { 404: "None running or waiting" },
    },
    async (req, { principal, actor }) => {
      const e = await deps.escalations.end(principal.accountId);
      await record(actor, endSpec, req, {
        result: "ok",
        target: principal.username,
        message: e.status === "active" ? `Ended escalation to ${e.role}` : `Withdrew request for ${e.role}`,
        oldValue: { role: e.role, status: e.status, expiresAt: e.expiresAt?.toISOString() ?? null },
      });
      return undefined;
    },
  );
}
