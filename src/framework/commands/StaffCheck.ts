import type { PermissionService, Standing } from "../auth/PermissionService.js";
import { outranks } from "../auth/permissions.js";
import type { GmWorld } from "../gm/GmWorld.js";
import { AppError } from "../util/errors.js";
import type { Command, ResolvedTarget } from "./Command.js";

export interface TargetVerdict {
  target?: ResolvedTarget | undefined;
  /** Set when the command acts on the actor's own account and its rule asks for a second person. */
  needsApproval?: string | undefined;
}

/**
 * The rank rule for one command run: resolves the account the arguments name
 * (404 when none) and refuses it unless it ranks strictly below the actor.
 * The actor's own account follows the command's `onSelf` rule instead.
 * Throws AppErrors with the status that fits (403 `outranked` / `self`, or
 * the command's `rankCode`).
 */
export async function checkTarget<A>(
  deps: { world: GmWorld; permissions: PermissionService },
  command: Command<A, unknown>,
  args: A,
  actor: Standing,
  approved: boolean,
): Promise<TargetVerdict> {
  const ref = command.target?.(args);
  if (!ref) return {};
  const target = await deps.world.resolve(ref);
  if (target.accountId === actor.accountId) {
    const rule = command.onSelf ?? "refuse";
    if (rule === "refuse") {
      throw command.rankCode
        ? new AppError(command.rankCode, 403, "Not permitted: you cannot do this to your own account")
        : new AppError("self", 403, `Not permitted: ${command.name} cannot be used on your own account`);
    }
    if (rule === "approval" && !approved) {
      return { target, needsApproval: `${command.name} on your own character (${target.label})` };
    }
    return { target };
  }
  const standing = await deps.permissions.standing(target.accountId);
  const refused = outranks(actor, standing);
  if (refused) throw new AppError(command.rankCode ?? "outranked", 403, `Not permitted: ${refused}`);
  return { target };
}

/**
 * Whether `approver` may approve `command` with these arguments for
 * `requesterId`: the same rank rule as running it, and never on the
 * approver's own account (nobody approves a benefit to themselves). For a
 * request on the requester's own account that means someone who outranks the
 * requester.
 */
export async function checkApprover<A>(
  deps: { world: GmWorld; permissions: PermissionService },
  command: Command<A, unknown>,
  args: A,
  approver: Standing,
): Promise<void> {
  const ref = command.target?.(args);
  if (!ref) return;
  const target = await deps.world.resolve(ref);
  if (target.accountId === approver.accountId) {
    throw new AppError("self", 403, "Not permitted: you cannot approve an action on your own account");
  }
  const refused = outranks(approver, await deps.permissions.standing(target.accountId));
  if (refused) throw new AppError("outranked", 403, `Not permitted: ${refused}`);
}
