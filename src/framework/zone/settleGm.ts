import { AppError } from "../util/errors.js";
import type { Logger } from "../util/logger.js";

/** A GM operation's answer as it crosses processes (plain JSON): its value, or why it was refused. */
export type GmActResult = { ok: true; value: unknown } | { ok: false; code: string; message: string };

/** Runs a GM operation and turns its refusal (an AppError) or failure into a value. */
export async function settleGm(
  op: { op: string },
  run: () => Promise<unknown>,
  log: Logger,
): Promise<GmActResult> {
  try {
    return { ok: true, value: await run() };
  } catch (err) {
    if (err instanceof AppError) return { ok: false, code: err.code, message: err.message };
    log.error({ err, op }, "GM operation failed");
    return { ok: false, code: "gm_failed", message: (err as Error).message };
  }
}
