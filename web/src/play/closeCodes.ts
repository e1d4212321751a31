import { CloseCode } from "@colyseus/sdk";
import { CloseCodes } from "../../../src/framework/contract/closeCodes.js";

/**
 * What a closed room connection means for the player (README "The district
 * room" → close codes; Colyseus reserves 4000–4010).
 */
export type CloseMeaning =
  { action: "rejoin"; text: string } | { action: "end"; to: "characters" | "login"; text: string };

export function closeMeaning(code: number, reason?: string): CloseMeaning {
  const why = reason ? `: ${reason}` : "";
  switch (code) {
    case CloseCodes.DRAINING:
      return {
        action: "rejoin",
        text: "The server is restarting — your character was saved; moving you to another server…",
      };
    case CloseCodes.SESSION_REVOKED:
      return {
        action: "end",
        to: "login",
        text: "Your session ended (logged out elsewhere, or the password changed). Log in again.",
      };
    case CloseCodes.BANNED:
      return { action: "end", to: "login", text: `This account is banned${why}.` };
    case CloseCodes.KICKED:
      return {
        action: "end",
        to: "characters",
        text: `You were disconnected by a game master or for sending too many messages${why}.`,
      };
    case CloseCodes.TAKEN_OVER:
      return {
        action: "end",
        to: "characters",
        text: "This character was entered from another window or device, which took it over.",
      };
    case CloseCode.SERVER_SHUTDOWN:
      return { action: "rejoin", text: "The server shut down; joining again…" };
    case CloseCode.FAILED_TO_RECONNECT:
      return { action: "rejoin", text: "Could not resume the connection; joining again…" };
    default:
      return { action: "rejoin", text: `Connection closed (${code}${why}); joining again…` };
  }
}
