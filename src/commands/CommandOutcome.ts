import type { CommandOutcome, CommandStatus } from "../framework/contract/commands.js";
import type { CommandResult } from "./Command.js";

export type { CommandOutcome, CommandStatus };

/** A command's result on its way out: with the approval it waits for, if any. */
export type Finished = CommandResult & { approvalId?: string | undefined };

export function fail(status: number, code: string, message: string): Finished {
  return { ok: false, status, code, message };
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
    ...(result.approvalId ? { approvalId: result.approvalId } : {}),
  };
}
