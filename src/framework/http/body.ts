import type { Request } from "express";
import type { z } from "zod";
import { parseInput } from "../util/parseInput.js";

export { findInvalidText, isStorableText } from "../util/parseInput.js";
export { isUuid, UUID_PATTERN } from "../util/uuid.js";

/** Every JSON body but a content pack: auth, characters, admin calls, matchmaking. */
export const JSON_BODY_LIMIT_BYTES = 16 * 1024;
/** `POST /api/v1/admin/content/revisions` carries a whole content pack. */
export const CONTENT_PACK_BODY_LIMIT_BYTES = 4 * 1024 * 1024;

/**
 * The most a request to this path may send, enforced by the transport while
 * the body streams in (src/framework/http/bodyLimit.ts), before anything buffers it.
 */
export function bodyLimitFor(path: string): number {
  return path.startsWith("/api/v1/admin/content/") ? CONTENT_PACK_BODY_LIMIT_BYTES : JSON_BODY_LIMIT_BYTES;
}

/**
 * Validates a JSON body against a schema; the error names the first bad field
 * (`parseInput`, which the command registry applies to a command's input).
 * Bodies are parsed by the JSON middleware (size-limited) before this runs.
 */
export function parseBody<S extends z.ZodType>(req: Request, schema: S): z.infer<S> {
  return parseInput(schema, req.body);
}
