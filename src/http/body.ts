import type { Request } from "express";
import type { z } from "zod";
import { badRequest } from "../util/errors.js";

/** Every JSON body but a content pack: auth, characters, admin calls, matchmaking. */
export const JSON_BODY_LIMIT_BYTES = 16 * 1024;
/** `POST /api/v1/admin/content/revisions` carries a whole content pack. */
export const CONTENT_PACK_BODY_LIMIT_BYTES = 4 * 1024 * 1024;

/**
 * The most a request to this path may send, enforced by the transport while
 * the body streams in (src/http/bodyLimit.ts), before anything buffers it.
 */
export function bodyLimitFor(path: string): number {
  return path.startsWith("/api/v1/admin/content/") ? CONTENT_PACK_BODY_LIMIT_BYTES : JSON_BODY_LIMIT_BYTES;
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID_PATTERN.test(value);
}

/**
 * Validates a JSON body against a schema; the error names the first bad field.
 * Bodies are parsed by the JSON middleware (size-limited) before this runs.
 * Text PostgreSQL cannot store (NUL) or that is not Unicode (a lone surrogate)
 * is refused here for every route, before any handler sees it.
 */
export function parseBody<S extends z.ZodType>(req: Request, schema: S): z.infer<S> {
  const body: unknown = req.body;
  if (body === undefined || body === null || typeof body !== "object" || Array.isArray(body)) {
    throw badRequest("Request body must be a JSON object");
  }
  const bad = findInvalidText(body);
  if (bad !== undefined) {
    throw badRequest(`${bad || "body"}: text must not contain NUL characters or invalid Unicode`, [
      { path: bad, message: "invalid text" },
    ]);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
    throw badRequest(
      issues[0] ? `${issues[0].path || "body"}: ${issues[0].message}` : "Invalid body",
      issues,
    );
  }
  return parsed.data;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True for text that is safe to store: no NUL, no lone surrogate. */
export function isStorableText(text: string): boolean {
  return !text.includes("\u0000") && !LONE_SURROGATE.test(text);
}

/**
 * The path (`a.b.0`) of the first key or string value that is not storable
 * text, `undefined` when all are. Iterative: nesting depth is the client's choice.
 */
export function findInvalidText(value: unknown): string | undefined {
  const stack: { value: unknown; path: string }[] = [{ value, path: "" }];
  while (stack.length > 0) {
    const { value: v, path } = stack.pop()!;
    if (typeof v === "string") {
      if (!isStorableText(v)) return path;
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push({ value: item, path: join(path, String(i)) }));
    } else if (v !== null && typeof v === "object") {
      for (const [key, item] of Object.entries(v)) {
        if (!isStorableText(key)) return join(path, JSON.stringify(key).slice(1, -1));
        stack.push({ value: item, path: join(path, key) });
      }
    }
  }
  return undefined;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}
