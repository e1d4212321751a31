/**
 * Typed errors with stable string codes, mapped once to HTTP statuses here and
 * to room error messages in the room glue. Anything not an AppError is a bug
 * and surfaces as `internal_error` without leaking details.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "AppError";
  }
}

/**
 * A start refused for a reason the operator fixes (a game's content that does
 * not validate): the process prints the message alone, no stack, and exits 1.
 */
export class StartupError extends Error {}

export const badRequest = (message: string, details?: unknown) =>
  new AppError("invalid_request", 400, message, details);
export const unauthorized = (message = "Missing or invalid credentials") =>
  new AppError("unauthorized", 401, message);
export const forbidden = (code: string, message: string) => new AppError(code, 403, message);
export const notFound = (message: string) => new AppError("not_found", 404, message);
export const conflict = (code: string, message: string) => new AppError(code, 409, message);
