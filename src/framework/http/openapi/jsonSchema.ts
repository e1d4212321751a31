import { z } from "zod";

/** The contract's error body (`{error:{code, message}}`), as every error answer carries it. */
export const ErrorBody = z.object({
  error: z.object({
    code: z.string().meta({ description: "Stable, machine-readable (e.g. not_found, forbidden)" }),
    message: z.string().meta({ description: "For people" }),
    requestId: z.string().optional().meta({ description: "This request's id (X-Request-Id), to quote" }),
    details: z.unknown().optional().meta({ description: "More about the refusal, where there is more" }),
  }),
});

/**
 * A zod schema as JSON Schema (2020-12, which OpenAPI 3.1 uses), for the
 * request (`input`) or the answer as sent. Answers use the input view too:
 * a handler's value is what the schema takes in, and zod's objects let
 * fields through that they do not name, so the document claims no
 * `additionalProperties: false` the server would not keep. A Date goes over
 * JSON as an ISO 8601 string, and says so.
 */
export function jsonSchema(schema: z.ZodType, io: "input" | "output"): Record<string, unknown> {
  const out = z.toJSONSchema(schema, {
    io,
    unrepresentable: "any",
    override: (ctx) => {
      if (ctx.zodSchema._zod.def.type === "date") {
        ctx.jsonSchema.type = "string";
        ctx.jsonSchema.format = "date-time";
      }
    },
  }) as Record<string, unknown>;
  delete out.$schema;
  if (out.$defs) {
    // A `$ref` to "#/$defs/…" would resolve against the whole document, not this schema.
    throw new Error("a documented schema must not be recursive or use registered ids (it would need $defs)");
  }
  return out;
}

export const ERROR_BODY = jsonSchema(ErrorBody, "input");
