import { z } from "zod";
import type { PermissionService } from "../auth/PermissionService.js";
import { overrideChangeRefusal, roleChangeRefusal, ROLES } from "../auth/permissions.js";
import { forbidden } from "../util/errors.js";
import type { Command, CommandContext, ResolvedTarget, TargetRef } from "./Command.js";
import { refusal } from "./Command.js";
import { positional } from "./args.js";

const RolesInput = z.object({ roles: z.array(z.enum(ROLES)).max(ROLES.length) });
const Permission = z.string().regex(/^(\*|[a-z0-9_]+(\.[a-z0-9_]+)*(\.\*)?)$/, "not a permission string");
const OverridesInput = z.object({
  grant: z.array(Permission).max(64).default([]),
  deny: z.array(Permission).max(64).default([]),
});

/** `<account id>`: the admin API names accounts by id. */
const accountArg = positional((r) => {
  const target = r.accountId();
  r.end();
  return { target };
});

/** The account the registry resolved and checked (rank rule); every account command declares one. */
function resolved(ctx: CommandContext): ResolvedTarget {
  if (!ctx.target) throw new Error("account command without a resolved target");
  return ctx.target;
}

/**
 * Roles and per-account overrides. Nobody hands out (or takes away) what they
 * do not wholly hold, and nobody changes an account ranked at or above their
 * own (src/framework/auth/permissions.ts has the rules); every refusal is 403
 * `forbidden`, as the admin API has always answered.
 */
export function accountCommands(permissions: PermissionService) {
  const roles: Command<{ target: TargetRef }, z.infer<typeof RolesInput>> = {
    name: "roles",
    permission: "admin.roles",
    usage: "roles <account id> + input {roles: [role…]}",
    help: "Replaces the roles of an account ranked below you; each role added or removed must rank below you and carry only what you wholly hold (PUT /api/v1/admin/accounts/:id/roles).",
    console: false,
    needsCluster: false,
    reversible: true,
    replayable: false,
    rankCode: "forbidden",
    args: accountArg,
    input: RolesInput,
    target: (a) => a.target,
    async execute(ctx, _args, input) {
      const { accountId } = resolved(ctx);
      const next = [...new Set(input.roles)];
      const theirs = await permissions.standing(accountId, "not_found");
      const before = theirs.ownRoles;
      const refused = roleChangeRefusal(ctx.standing, theirs, before, next, await permissions.grantsOf());
      if (refused) return refusal(403, "forbidden", `Not permitted: ${refused}`);
      // Only if nobody changed them since they were checked.
      if (!(await permissions.replaceRoles(accountId, before, next))) {
        return refusal(409, "changed_meanwhile", "The account's roles changed meanwhile; try again");
      }
      return {
        ok: true,
        message: `Roles of ${theirs.username}: ${before.join(",")} → ${next.join(",")}`,
        target: theirs.username,
        oldValue: { roles: before },
        newValue: { roles: next },
        inverse: { command: "roles", args: [accountId], input: { roles: before } },
        data: { accountId, username: theirs.username, roles: next },
      };
    },
  };

  const overrides: Command<{ target: TargetRef }, z.infer<typeof OverridesInput>> = {
    name: "overrides",
    permission: "admin.roles",
    usage: "overrides <account id> + input {grant: [permission…], deny: [permission…]}",
    help: "Replaces the own grants and denies of an account ranked below you (denies win over any role); each one added or removed must be wholly yours (PUT /api/v1/admin/accounts/:id/permissions).",
    console: false,
    needsCluster: false,
    reversible: true,
    replayable: false,
    rankCode: "forbidden",
    args: accountArg,
    input: OverridesInput,
    target: (a) => a.target,
    async execute(ctx, _args, input) {
      const overlap = input.grant.filter((g) => input.deny.includes(g));
      if (overlap.length) {
        return refusal(400, "invalid_request", `Both granted and denied: ${overlap.join(", ")}`);
      }
      const { accountId } = resolved(ctx);
      const after = [
        ...[...new Set(input.grant)].map((permission) => ({ permission, effect: "grant" as const })),
        ...[...new Set(input.deny)].map((permission) => ({ permission, effect: "deny" as const })),
      ];
      const theirs = await permissions.standing(accountId, "not_found");
      // The rule is checked against the overrides as stored, with the account locked.
      const before = await permissions.replaceOverrides(accountId, after, (current) => {
        const refused = overrideChangeRefusal(ctx.standing, theirs, current, after);
        if (refused) throw forbidden("forbidden", `Not permitted: ${refused}`);
      });
      const of = (effect: string) => before.filter((o) => o.effect === effect).map((o) => o.permission);
      return {
        ok: true,
        message: `Permission overrides of ${theirs.username} replaced`,
        target: theirs.username,
        oldValue: before,
        newValue: input,
        inverse: { command: "overrides", args: [accountId], input: { grant: of("grant"), deny: of("deny") } },
        data: { accountId, ...input },
      };
    },
  };

  return [roles, overrides];
}
