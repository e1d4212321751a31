import { z } from "zod";
import { overrideChangeRefusal, roleChangeRefusal, ROLES } from "../../auth/permissions.js";
import { badRequest, conflict, forbidden } from "../../util/errors.js";
import { parseBody } from "../body.js";
import { type AdminKit, parseId, safeText } from "./AdminKit.js";

const RolesBody = z.object({ roles: z.array(z.enum(ROLES)).max(ROLES.length) });
const Permission = z.string().regex(/^(\*|[a-z0-9_]+(\.[a-z0-9_]+)*(\.\*)?)$/, "not a permission string");
const OverridesBody = z.object({
  grant: z.array(Permission).max(64).default([]),
  deny: z.array(Permission).max(64).default([]),
});
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
 * Roles, per-account overrides and bans. Nobody hands out (or takes away)
 * what they do not wholly hold, and nobody changes an account ranked at or
 * above their own (src/auth/permissions.ts has the rules).
 */
export function registerAccountRoutes(kit: AdminKit): void {
  const { deps, add, record, asHttp } = kit;

  const rolesSpec = add(
    {
      method: "put",
      path: "/accounts/:id/roles",
      summary:
        "Replace an account ranked below you; each role added or removed must rank below you and carry only what you hold",
      permission: "admin.roles",
      body: RolesBody,
      errors: { 403: "Not yours to grant, or the account does not rank below you", 404: "No such account" },
    },
    async (req, { principal, actor }) => {
      const id = parseId(req.params.id);
      const roles = [...new Set(parseBody(req, RolesBody).roles)];
      const mine = await deps.permissions.standing(principal.accountId);
      const theirs = await deps.permissions.standing(id, "not_found");
      const refused = roleChangeRefusal(
        mine,
        theirs,
        theirs.ownRoles,
        roles,
        await deps.permissions.grantsOf(),
      );
      if (refused) throw forbidden("forbidden", `Not permitted: ${refused}`);
      // Only if nobody changed them since they were checked.
      if (!(await deps.permissions.replaceRoles(id, theirs.ownRoles, roles)))
        throw conflict("changed_meanwhile", "The account's roles changed meanwhile; try again");
      await record(actor, rolesSpec, req, {
        result: "ok",
        target: theirs.username,
        message: `Roles of ${theirs.username}: ${theirs.ownRoles.join(",")} → ${roles.join(",")}`,
        oldValue: { roles: theirs.ownRoles },
        newValue: { roles },
      });
      return { accountId: id, username: theirs.username, roles };
    },
  );

  const overridesSpec = add(
    {
      method: "put",
      path: "/accounts/:id/permissions",
      summary:
        "Replace the grants and denies of an account ranked below you (denies win over any role); only what you wholly hold",
      permission: "admin.roles",
      body: OverridesBody,
      errors: { 403: "Not yours to grant, or the account does not rank below you", 404: "No such account" },
    },
    async (req, { principal, actor }) => {
      const id = parseId(req.params.id);
      const body = parseBody(req, OverridesBody);
      const overlap = body.grant.filter((g) => body.deny.includes(g));
      if (overlap.length) throw badRequest(`Both granted and denied: ${overlap.join(", ")}`);
      const after = [
        ...[...new Set(body.grant)].map((permission) => ({ permission, effect: "grant" as const })),
        ...[...new Set(body.deny)].map((permission) => ({ permission, effect: "deny" as const })),
      ];
      const mine = await deps.permissions.standing(principal.accountId);
      const theirs = await deps.permissions.standing(id, "not_found");
      const before = await deps.permissions.replaceOverrides(id, after, (current) => {
        const refused = overrideChangeRefusal(mine, theirs, current, after);
        if (refused) throw forbidden("forbidden", `Not permitted: ${refused}`);
      });
      await record(actor, overridesSpec, req, {
        result: "ok",
        target: theirs.username,
        message: `Permission overrides of ${theirs.username} replaced`,
        oldValue: before,
        newValue: body,
      });
      return { accountId: id, ...body };
    },
  );

  // Both run the commands, so the rank rule and the audit are the registry's.
  add(
    {
      method: "post",
      path: "/accounts/:id/ban",
      summary:
        "Ban an account (durationSeconds, or permanent with a second GM's approval); runs the ban command",
      permission: "gm.command.ban",
      body: BanBody,
      errors: { 202: "Queued for a second GM's approval", 403: "Outranked", 404: "No such account" },
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
      errors: { 403: "Outranked", 404: "No such account", 409: "Not banned" },
    },
    async (req, { actor }) => {
      const account = await deps.commands.accountName(parseId(req.params.id));
      return asHttp(await deps.commands.run(actor, "unban", [`account:${account}`]));
    },
  );
}
