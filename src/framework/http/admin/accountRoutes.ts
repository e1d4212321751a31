import { z } from "zod";
import { parseBody } from "../body.js";
import { CommandOutcomeBody, OverridesChangedBody, QUEUED, RolesChangedBody } from "../responseSchemas.js";
import { type AdminKit, parseId, safeText } from "./AdminKit.js";

const BanBody = z.object({
  reason: safeText(z.string().min(1).max(256)),
  durationSeconds: z
    .number()
    .int()
    .min(1)
    .max(10 * 365 * 86_400)
    .optional(),
});

/**
 * Roles, per-account overrides and bans: each route runs its command (the
 * `roles` and `overrides` staff commands, whose input is the body, and the GM
 * console's `ban` and `unban`), which checks the permission, the rank rule
 * and the rest of the staff rules, and writes the audit record.
 */
export function registerAccountRoutes(kit: AdminKit): void {
  const { deps, add, command, asHttp } = kit;

  command(
    {
      method: "put",
      path: "/accounts/:id/roles",
      summary:
        "Replace an account ranked below you; each role added or removed must rank below you and carry only what you hold",
      response: RolesChangedBody,
      errors: { 403: "Not yours to grant, or the account does not rank below you", 404: "No such account" },
    },
    "roles",
    (req) => ({ args: [String(req.params.id)], input: req.body }),
  );

  command(
    {
      method: "put",
      path: "/accounts/:id/permissions",
      summary:
        "Replace the grants and denies of an account ranked below you (denies win over any role); only what you wholly hold",
      response: OverridesChangedBody,
      errors: { 403: "Not yours to grant, or the account does not rank below you", 404: "No such account" },
    },
    "overrides",
    (req) => ({ args: [String(req.params.id)], input: req.body }),
  );

  // Both run the GM console's commands, whose words the body is read into first (after the guard).
  add(
    {
      method: "post",
      path: "/accounts/:id/ban",
      summary:
        "Ban an account (durationSeconds, or permanent with a second GM's approval); runs the ban command",
      permission: "gm.command.ban",
      body: BanBody,
      response: CommandOutcomeBody,
      otherAnswers: QUEUED,
      errors: { 403: "Outranked", 404: "No such account" },
    },
    async (req, { actor }) => {
      const body = parseBody(req, BanBody);
      const account = await deps.commands.accountName(parseId(req.params.id));
      const span = body.durationSeconds ? `${body.durationSeconds}s` : "perm";
      return asHttp(await deps.commands.run(actor, "ban", [`account:${account}`, span, body.reason]));
    },
  );
  add(
    {
      method: "delete",
      path: "/accounts/:id/ban",
      summary: "Lift a ban; runs the unban command",
      permission: "gm.command.unban",
      response: CommandOutcomeBody,
      otherAnswers: QUEUED,
      errors: { 403: "Outranked", 404: "No such account", 409: "Not banned" },
    },
    async (req, { actor }) => {
      const account = await deps.commands.accountName(parseId(req.params.id));
      return asHttp(await deps.commands.run(actor, "unban", [`account:${account}`]));
    },
  );
}
