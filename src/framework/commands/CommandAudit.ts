import type { AuditLog, AuditResult } from "../audit/AuditLog.js";
import type { Metrics } from "../metrics/metrics.js";
import type { Logger } from "../util/logger.js";
import type { Actor, Command } from "./Command.js";
import { outcome, type CommandOutcome, type CommandStatus, type Finished } from "./CommandOutcome.js";

/** One attempt to run a command, as the audit log, the metrics and the log see it. */
export interface Attempt {
  actionId: string;
  actor: Actor;
  name: string;
  /** The command, when it exists and the caller may reach it. */
  command: Command<unknown, unknown> | undefined;
  args: string[];
  /** The structured input the caller passed, if any (as sent: it may be what was refused). */
  input?: unknown;
  /** Human context ("reversal of …", "replay of …"). */
  note?: string | undefined;
  /** The approval this run carries out. */
  approval?: { id: string; approver: string } | undefined;
}

/**
 * Writes the one audit record of an attempt — allowed, queued, failed or
 * refused (refusals through the coalescer) — counts it in
 * `mxo_gm_actions_total` and logs it; returns the outcome the caller gets.
 */
export async function recordAttempt(
  deps: { audit: AuditLog; metrics: Metrics; log: Logger },
  a: Attempt,
  status: CommandStatus,
  result: Finished,
): Promise<CommandOutcome> {
  const auditResult: AuditResult = status === "done" ? "ok" : status;
  const noted = a.note ? `${result.message} (${a.note})` : result.message;
  const message = a.approval ? `${noted} (approved by ${a.approval.approver})` : noted;
  const entry = {
    id: a.actionId,
    actorId: a.actor.accountId,
    actor: a.actor.username,
    action: `command.${a.name}`.slice(0, 64),
    target: result.target ?? null,
    args: a.input === undefined ? a.args : { args: a.args, input: auditedInput(a.command, a.input) },
    oldValue: result.oldValue ?? null,
    newValue: result.newValue ?? null,
    message,
    via: a.actor.via,
    ip: a.actor.ip ?? null,
    userAgent: a.actor.userAgent ?? null,
  };
  if (auditResult === "refused") await deps.audit.refused(entry);
  else await deps.audit.append({ ...entry, result: auditResult });
  const known = a.command ? a.name : "unknown";
  deps.metrics.gmActions.inc({ command: known, result: auditResult });
  // A flood cut by the rate limit is counted in the audit log; one line each would flood the log instead.
  const level = result.code === "rate_limited" ? "debug" : "info";
  deps.log[level](
    {
      audit: true,
      actionId: a.actionId,
      actor: a.actor.username,
      via: a.actor.via,
      command: known,
      args: JSON.stringify(a.args).slice(0, 300),
      status,
      code: result.code,
    },
    `command ${known}: ${result.message.slice(0, 200)}`,
  );
  return outcome(a.actionId, status, result);
}

function auditedInput(command: Command<unknown, unknown> | undefined, input: unknown): unknown {
  return command?.auditInput ? command.auditInput(input) : input;
}
