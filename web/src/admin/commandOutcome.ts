import type { CommandOutcome as WireOutcome } from "../../../src/framework/contract/commands.js";
import { ApiError } from "../shared/http.js";
import type { Session } from "../shared/Session.js";

/**
 * A command's outcome as the console shows it: what `POST
 * /api/v1/admin/commands` answers (README "GM commands"), or a refusal the
 * API sent as an error body, or one the console made itself (bad arguments),
 * which carry no HTTP status and, before the registry ran, no action id.
 */
export type CommandOutcome = Omit<WireOutcome, "actionId" | "httpStatus"> &
  Partial<Pick<WireOutcome, "actionId" | "httpStatus">>;

/**
 * Runs a GM command through the admin API; refusals (400/403/409/500 with an
 * error body) come back as outcomes too, so the console shows them in line.
 */
export async function runCommand(session: Session, command: string, args: string[]): Promise<CommandOutcome> {
  try {
    const { status, body } = await session.callWithStatus<CommandOutcome>("/api/v1/admin/commands", {
      method: "POST",
      body: { command, args },
    });
    return status === 202
      ? { ...body, ok: true, status: "queued", message: body.message ?? "Queued for a second GM" }
      : body;
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    const details = err.details as { actionId?: string } | undefined;
    return {
      ok: false,
      status: err.status >= 500 ? "failed" : "refused",
      code: err.code,
      message: err.message,
      actionId: details?.actionId,
    };
  }
}
