/**
 * Why the server closed a room connection, as the client receives it in
 * `onLeave(code, reason)` (contract §3). Colyseus reserves 4000–4010 for its
 * own closes (the SDK's `CloseCode`: consented, shutdown, error, failed
 * reconnect); the framework's start at 4100 and never reuse that range.
 */
export const CloseCodes = {
  /** The login session ended (logout, password change): log in again. */
  SESSION_REVOKED: 4101,
  BANNED: 4103,
  /** A GM kicked the player, or the client kept flooding after being throttled. */
  KICKED: 4110,
  /** The character was joined from another session, which took it over. */
  TAKEN_OVER: 4111,
  /** The process is draining: the character was saved; join again with it to continue elsewhere. */
  DRAINING: 4120,
} as const;

export type CloseCode = (typeof CloseCodes)[keyof typeof CloseCodes];

/** The close codes Colyseus keeps for itself (inclusive). */
export const COLYSEUS_RESERVED_CLOSE_CODES = { min: 4000, max: 4010 } as const;
