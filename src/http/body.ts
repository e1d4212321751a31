import type { Request } from "express";
import type { z } from "zod";
import { badRequest } from "../util/errors.js";

/**
 * Validates a JSON body against a schema; the error names the first bad field.
 * Bodies are parsed by the JSON middleware (size-limited) before this runs.
 */
export function parseBody<S extends z.ZodType>(req: Request, schema: S): z.infer<S> {
  const body: unknown = req.body;
  if (body === undefined || body === null || typeof body !== "object" || Array.isArray(body)) {
    throw badRequest("Request body must be a JSON object");
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
