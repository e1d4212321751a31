/**
 * `error {code, message}`: a room's answer to a message it refused. `code` is
 * stable and machine-readable; `message` is for the player. Nothing else is
 * ever sent for a refusal, and a refused message changes nothing.
 */
export interface ErrorMessage<Code extends string = string> {
  code: Code;
  message: string;
}

/** Every HTTP error answer's body: the same `{code, message}`, with the request's id to quote. */
export interface HttpErrorBody {
  error: ErrorMessage & { requestId?: string; details?: unknown };
}

/**
 * The codes the framework itself answers with, whatever the game: the message
 * gate (rate, shape, type), permissions, backing services, sanctions, drain.
 * A game declares its own codes beside these (never the same string twice).
 */
export const FRAMEWORK_ERROR_CODES = [
  /** Over the per-client message rate: throttled (keep it up and the client is closed with 4110). */
  "rate_limited",
  /** The payload failed the message's schema (or carried NUL); the message says which field. */
  "invalid_message",
  /** No handler for that message type. */
  "unknown_message",
  /** The account lacks the permission the message needs. */
  "forbidden",
  /** A backing service (Redis, the database) is down: try again shortly. */
  "unavailable",
  /** The account is muted: chat is refused until the mute ends. */
  "muted",
  /** The process is draining: the player is about to be moved (4120). */
  "draining",
] as const;

export type FrameworkErrorCode = (typeof FRAMEWORK_ERROR_CODES)[number];
