import type { AuditLog } from "../audit/AuditLog.js";
import type { PermissionService } from "../auth/PermissionService.js";
import { allows } from "../auth/permissions.js";
import type { GmWorld } from "../gm/GmWorld.js";
import { forbidden } from "../util/errors.js";
import type { Actor, Command } from "./Command.js";
import type { CommandOutcome } from "./CommandOutcome.js";
import type { GmActions } from "./GmActions.js";
import type { RunOptions } from "./CommandRegistry.js";
import { checkApprover } from "./StaffCheck.js";

/** What deciding an approval uses of the registry. */
export interface ApprovalDeps {
  actions: GmActions;
  audit: AuditLog;
  permissions: PermissionService;
  world: GmWorld;
  command(name: string): Command<unknown, unknown> | undefined;
  run(actor: Actor, name: string, args: string[], options: RunOptions): Promise<CommandOutcome>;
}

/**
 * A second GM approves (runs it, as requested, in the requester's name) or
 * rejects a queued command. The approver needs the command's permission,
 * may not approve their own request, and must pass the rank rule on the
 * target themselves (so a GM's benefit to itself needs someone above it).
 * A reversal waiting for this approval is marked done, or given back.
 */
export async function decideApproval(
  deps: ApprovalDeps,
  approver: Actor,
  id: string,
  approve: boolean,
): Promise<CommandOutcome | { status: "rejected" }> {
  const { actions } = deps;
  const row = await actions.approval(id);
  if (row.requestedBy === approver.accountId) {
    throw forbidden("same_person", "A second GM must approve: you requested this one");
  }
  const command = deps.command(row.command);
  const standing = await deps.permissions.standing(approver.accountId);
  if (command?.permission && !allows(standing.permissions, command.permission)) {
    throw forbidden("forbidden", `Not permitted: approving ${row.command} needs ${command.permission}`);
  }
  if (approve && command) {
    const parsed = command.args.safeParse(row.args);
    if (parsed.success) await checkApprover(deps, command, parsed.data, standing);
  }
  await actions.decideApproval(id, approve, approver.accountId);
  await deps.audit.append({
    actorId: approver.accountId,
    actor: approver.username,
    action: approve ? "gm.approve" : "gm.reject",
    target: id,
    args: [row.command, ...row.args],
    result: "ok",
    message: `${approve ? "Approved" : "Rejected"} ${row.command} requested by ${row.requestedByName}`,
    via: approver.via,
    ip: approver.ip ?? null,
    userAgent: approver.userAgent ?? null,
  });
  const reversed = await actions.reversalWaitingFor(id);
  if (!approve) {
    if (reversed) await actions.releaseReversal(reversed);
    return { status: "rejected" };
  }
  const requester: Actor = { accountId: row.requestedBy, username: row.requestedByName, via: approver.via };
  const outcome = await deps.run(requester, row.command, row.args, {
    from: "owner",
    approval: { id, approver: approver.username },
  });
  await actions.setApprovalAction(id, outcome.actionId);
  if (reversed) {
    if (outcome.status === "done") await actions.setReversedBy(reversed, outcome.actionId);
    else await actions.releaseReversal(reversed);
  }
  return outcome;
}
