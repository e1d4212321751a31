import { z } from "zod";

/**
 * `gm {command, args}` in game and `POST /api/v1/admin/commands` over HTTP:
 * one privileged command, its arguments positional as typed (contract §5).
 */
export const CommandRequest = z.object({
  command: z.string().min(1).max(32),
  args: z.array(z.string().max(512)).max(32).default([]),
});
export type CommandRequest = z.infer<typeof CommandRequest>;

/** `gm:metrics {on}`: a GM subscribes to (or leaves) the once-a-second server figures. */
export const GmMetricsMessage = z.object({ on: z.boolean() });
export type GmMetricsMessage = z.infer<typeof GmMetricsMessage>;

export type CommandStatus = "done" | "refused" | "failed" | "queued";

/** What a command came to: the `gm:result` message, and the body of the admin API's command routes. */
export interface CommandOutcome {
  ok: boolean;
  message: string;
  /** The audit record of this attempt (`/api/v1/admin/gm-actions/:id`). */
  actionId: string;
  status: CommandStatus;
  /** Why it was refused: `unknown_command`, `forbidden`, `outranked`, `invalid_arguments`, … */
  code?: string | undefined;
  /** The HTTP status this outcome maps to (the in-game `gm:result` carries it too). */
  httpStatus: number;
  /** What the command reports (a position, an inspected character…). */
  data?: unknown;
  /** With a refusal: what more there is to say about it (every issue of a refused content pack). */
  details?: unknown;
  /** Set when the command waits for a second GM (two-person rule). */
  approvalId?: string | undefined;
}

/** A `gm` refused before any command ran (the second factor could not be checked): no action id. */
export interface CommandRefusal {
  ok: false;
  code: string;
  httpStatus: number;
  message: string;
}

/** `gm:result`: the answer to one `gm` message. */
export type GmResult = CommandOutcome | CommandRefusal;

/** The client → server messages every game on the framework accepts, by type, with their schemas. */
export const FRAMEWORK_CLIENT_MESSAGES = {
  gm: CommandRequest,
  "gm:metrics": GmMetricsMessage,
} as const;
