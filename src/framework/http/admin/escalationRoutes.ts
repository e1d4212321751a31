import { z } from "zod";
import { EscalationBody } from "../responseSchemas.js";
import type { AdminKit } from "./AdminKit.js";

/**
 * Temporary GM escalation with a second person: a tier-1 or tier-2 GM asks
 * (202, pending), someone ranked at the tier asked for or above, and holding
 * all of it, approves; only then does the tier count, for
 * GM_ESCALATION_SECONDS. Each change is an `escalation.*` command.
 */
export function registerEscalationRoutes(kit: AdminKit): void {
  const { deps, add, command } = kit;

  command(
    {
      method: "post",
      path: "/escalations",
      summary:
        "Ask for your GM tier +1 for a limited time (tier 1 → 2, tier 2 → 3); runs once a second person approves",
      status: 202,
      response: EscalationBody,
      errors: { 403: "Not a tier-1 or tier-2 GM", 409: "One is already running or waiting" },
    },
    "escalation.request",
    (req) => ({ input: req.body }),
  );

  add(
    {
      method: "get",
      path: "/escalations",
      summary: "Escalation requests waiting for a second person",
      permission: "gm.approve",
      response: z.array(EscalationBody),
    },
    async () => deps.escalations.pending(),
  );

  command(
    {
      method: "post",
      path: "/escalations/:id/approve",
      summary:
        "Approve someone else's escalation: you must rank at the tier asked for or above and hold all of it",
      response: EscalationBody,
      errors: { 403: "Your own, or beyond what you hold", 404: "No such request", 409: "Already decided" },
    },
    "escalation.approve",
    (req) => ({ args: [String(req.params.id)] }),
  );

  command(
    {
      method: "post",
      path: "/escalations/:id/reject",
      summary: "Turn down someone else's escalation request",
      response: EscalationBody,
      errors: { 403: "Your own (withdraw it with DELETE /escalations/mine)", 409: "Already decided" },
    },
    "escalation.reject",
    (req) => ({ args: [String(req.params.id)] }),
  );

  command(
    {
      method: "delete",
      path: "/escalations/mine",
      summary: "End your escalation early, or withdraw your request",
      status: 204,
      errors: { 404: "None running or waiting" },
    },
    "escalation.end",
    () => ({}),
  );
}
