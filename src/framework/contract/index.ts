/**
 * The wire contract every game on the framework shares: close codes, the
 * `error` message and the framework's codes, privileged commands and their
 * outcome, the movement input, chat lines and announcements. A game's own
 * messages live beside its code (MxO: src/mxo/contract).
 *
 * Browser code imports the files it needs, types with `import type`, so
 * nothing of zod reaches a page that only reads types.
 */
export { CloseCodes, COLYSEUS_RESERVED_CLOSE_CODES, type CloseCode } from "./closeCodes.js";
export {
  FRAMEWORK_ERROR_CODES,
  type ErrorMessage,
  type HttpErrorBody,
  type FrameworkErrorCode,
} from "./errors.js";
export {
  CommandRequest,
  FRAMEWORK_CLIENT_MESSAGES,
  GmMetricsMessage,
  type CommandOutcome,
  type CommandRefusal,
  type CommandStatus,
  type GmResult,
} from "./commands.js";
export type { MoveInputData } from "./input.js";
export type { AnnounceMessage, ChatLine } from "./chat.js";
