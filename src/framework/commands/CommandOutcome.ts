import type { CommandOutcome, CommandStatus } from "../contract/commands.js";
import type { AppError } from "../util/errors.js";
import type { CommandResult } from "./Command.js";

export type { CommandOutcome, CommandStatus };

/** A command's result on its way out: with the approval it waits for, if any. */
export type Finished = CommandResult & { approvalId?: string | undefined };

export function fail(status: number, code: string, message: string, details?: unknown): Finished {
  return { ok: false, status, code, message, ...(details !== undefined ? { details } : {}) };
}

/** A refusal thrown as an AppError (a rule, a missing row, a bad input), as a result. */
export function failFrom(err: AppError): Finished {
  return fail(err.status, err.code, err.message, err.details);
}

export function outcome(actionId: string, status: CommandStatus, result: Finished): CommandOutcome {
  return {
    ok: status === "done" || status === "queued",
    message: result.message,
    actionId,
    status,
    httpStatus: result.status ?? (status === "done" ? 200 : 409),
    ...(result.code ? { code: result.code } : {}),
    ...(result.data !== undefined ? { data: result.data } : {}),
    ...(result.details !== undefined ? { details: result.details } : {}),
    ...(result.approvalId ? { approvalId: result.approvalId } : {}),
  };
}
