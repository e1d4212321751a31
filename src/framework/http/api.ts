import type { Application, RequestHandler } from "express";
import { z } from "zod";
import type { Metrics } from "../metrics/metrics.js";
import type { Logger } from "../util/logger.js";
import { route, type Handler } from "./handler.js";

type Method = "get" | "post" | "put" | "delete";

/** One route as documented: what `/api/v1/openapi.json` says about it. */
export interface RouteSpec {
  method: Method;
  path: string;
  summary: string;
  tag: string;
  /** Bearer token required; `permission` names what its account must hold. */
  auth?: boolean;
  permission?: string | undefined;
  body?: z.ZodType | undefined;
  query?: z.ZodObject | undefined;
  /** Success status (default 200). */
  status?: number;
  /** Other statuses worth listing, with what they mean. */
  errors?: Record<number, string>;
  /** Not JSON (e.g. Prometheus text). */
  produces?: string;
}

/**
 * Registers routes and remembers their specs, so the OpenAPI document is
 * generated from the very list the server serves: it cannot drift.
 */
export class ApiRouter {
  readonly specs: RouteSpec[] = [];

  constructor(
    private readonly app: Application,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {}

  add(spec: RouteSpec, middleware: RequestHandler[], fn: Handler): void {
    this.specs.push(spec);
    this.app[spec.method](
      spec.path,
      ...middleware,
      route(this.metrics, this.log, spec.path, fn, spec.status ?? 200),
    );
  }

  openapi(info: { title: string; version: string }): object {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const s of this.specs) {
      const path = s.path.replace(/:([A-Za-z_]+)/g, "{$1}");
      const params = [...s.path.matchAll(/:([A-Za-z_]+)/g)].map((m) => ({
        name: m[1],
        in: "path",
        required: true,
        schema: { type: "string" },
      }));
      const query = s.query
        ? Object.entries(s.query.shape).map(([name, schema]) => ({
            name,
            in: "query",
            required: !(schema as z.ZodType).safeParse(undefined).success,
            schema: jsonSchema(schema as z.ZodType, "input"),
          }))
        : [];
      const responses: Record<string, unknown> = {
        [String(s.status ?? 200)]: {
          description: "Success",
          ...(s.produces
            ? { content: { [s.produces]: { schema: { type: "string" } } } }
            : s.status === 204
              ? {}
              : { content: { "application/json": { schema: {} } } }),
        },
      };
      const errors: Record<number, string> = {
        400: "Invalid request ({error:{code,message}})",
        429: "Rate limited",
      };
      if (s.auth) errors[401] = "Missing, invalid or revoked token";
      if (s.permission) errors[403] = `Needs permission ${s.permission}`;
      Object.assign(errors, s.errors);
      for (const [status, description] of Object.entries(errors)) {
        responses[status] = { description, content: { "application/json": { schema: ERROR_SCHEMA } } };
      }
      (paths[path] ??= {})[s.method] = {
        summary: s.summary,
        tags: [s.tag],
        ...(s.permission ? { "x-permission": s.permission } : {}),
        ...(s.auth ? { security: [{ bearer: [] }] } : {}),
        parameters: [...params, ...query],
        ...(s.body
          ? {
              requestBody: {
                required: true,
                content: { "application/json": { schema: jsonSchema(s.body, "input") } },
              },
            }
          : {}),
        responses,
      };
    }
    return {
      openapi: "3.1.0",
      info,
      components: {
        securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
      },
      paths,
    };
  }
}

const ERROR_SCHEMA = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string" },
        message: { type: "string" },
        requestId: { type: "string" },
        details: {},
      },
    },
  },
};

function jsonSchema(schema: z.ZodType, io: "input" | "output"): object {
  try {
    const out = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Record<string, unknown>;
    delete out.$schema;
    return out;
  } catch {
    return {};
  }
}
