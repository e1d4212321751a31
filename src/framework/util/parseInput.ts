import type { z } from "zod";
import { badRequest } from "./errors.js";

/**
 * Validates structured input (a JSON request body, a command's input) against
 * a schema: it must be an object, hold only text PostgreSQL can store (no NUL,
 * no lone surrogate), and match; otherwise a 400 `invalid_request` naming the
 * first bad field, every issue in `details`.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  if (input === undefined || input === null || typeof input !== "object" || Array.isArray(input)) {
    throw badRequest("Request body must be a JSON object");
  }
  const bad = findInvalidText(input);
  if (bad !== undefined) {
    throw badRequest(`${bad || "body"}: text must not contain NUL characters or invalid Unicode`, [
      { path: bad, message: "invalid text" },
    ]);
  }
  const parsed = schema.safeParse(input);
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
