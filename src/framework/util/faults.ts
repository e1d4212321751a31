import { AppError } from "./errors.js";

/** Connection-level failures of PostgreSQL (node-postgres, PGlite) or Redis (ioredis). */
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EHOSTUNREACH",
]);
const CONNECTION_MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Connection is closed|Stream isn't writeable|Reached the max retries per request|is unavailable; try again|Client has encountered a connection error|terminating connection/i;

/**
 * True when `err` says a backing service (the database or Redis) cannot be
 * reached, as opposed to a bug or a refused request: the caller should
 * answer "unavailable, try again" and keep what it has.
 */
export function isServiceFault(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; depth++) {
    const { code, message, name } = e as { code?: unknown; message?: unknown; name?: unknown };
    if (typeof code === "string" && (CONNECTION_CODES.has(code) || /^08|^57P0[123]$/.test(code))) return true;
    if (name === "MaxRetriesPerRequestError" || name === "RedisUnavailableError") return true;
    if (typeof message === "string" && CONNECTION_MESSAGES.test(message)) return true;
    e = (e as { cause?: unknown }).cause ?? (e as { driverError?: unknown }).driverError;
  }
  return false;
}

/** The error to show for a backing-service fault (HTTP 503, `unavailable`). */
export function serviceUnavailable(what = "The game service"): AppError {
  return new AppError("unavailable", 503, `${what} is unavailable right now; try again shortly`);
}
