/**
 * What a closed room connection means for the player (README "The district
 * room" → close codes; Colyseus reserves 4000–4010).
 */
export type CloseMeaning =
  { action: "rejoin"; text: string } | { action: "end"; to: "characters" | "login"; text: string };

export const CONSENTED = 4000;

export function closeMeaning(code: number, reason?: string): CloseMeaning {
  const why = reason ? `: ${reason}` : "";
  switch (code) {
    case 4120:
      return {
        action: "rejoin",
        text: "The server is restarting — your character was saved; moving you to another server…",
      };
    case 4101:
      return {
        action: "end",
        to: "login",
        text: "Your session ended (logged out elsewhere, or the password changed). Log in again.",
      };
    case 4103:
      return { action: "end", to: "login", text: `This account is banned${why}.` };
    case 4110:
      return {
        action: "end",
        to: "characters",
        text: `You were disconnected by a game master or for sending too many messages${why}.`,
      };
    case 4111:
      return {
        action: "end",
        to: "characters",
        text: "This character was entered from another window or device, which took it over.",
      };
    case 4001:
      return { action: "rejoin", text: "The server shut down; joining again…" };
    case 4003:
      return { action: "rejoin", text: "Could not resume the connection; joining again…" };
    default:
      return { action: "rejoin", text: `Connection closed (${code}${why}); joining again…` };
  }
}
