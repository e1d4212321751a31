import type { RouteSpec } from "../api.js";
import { ERROR_BODY, jsonSchema } from "./jsonSchema.js";

export interface ApiInfo {
  title: string;
  version: string;
}

/** What each tag groups, for the document's readers (and redocly's `tag-description`). */
const TAGS: Record<string, string> = {
  probes: "Liveness, readiness and Prometheus metrics, for orchestrators (no token, no rate limit)",
  meta: "This document",
  world: "The game's public description of its running world",
  auth: "Accounts and sessions: register, log in (with TOTP), refresh, log out",
  characters: "The account's characters",
  matchmaking:
    "Colyseus matchmaking: a seat reservation, which the SDK consumes by opening the room's WebSocket " +
    "(ws://<publicAddress or this host>/<processId>/<roomId>?sessionId=…)",
  admin:
    "Operators, GMs and staff: every call authenticated, checked against the account's permissions, audited",
  web: "The browser pages (game client, admin console) and their assets",
};

const DEFAULT_ERRORS: Record<number, string> = {
  400: "Invalid request",
};

/**
 * The OpenAPI 3.1 document of a list of route specs: request bodies, query
 * parameters and every answer's body come from the routes' own zod schemas.
 */
export function openApiDocument(info: ApiInfo, specs: RouteSpec[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const operationIds = new Set<string>();
  for (const s of specs) {
    const path = s.path.replace(/:([A-Za-z_]+)/g, "{$1}");
    const operationId = uniqueId(operationIds, s);
    (paths[path] ??= {})[s.method] = {
      operationId,
      summary: s.summary,
      tags: [s.tag],
      ...(s.permission
        ? {
            description: `Needs the permission \`${s.permission}\`.`,
            "x-permission": s.permission,
          }
        : {}),
      // Public operations say so: the document has no global security to inherit.
      security: s.auth ? [{ bearer: [] }] : [],
      parameters: [...pathParameters(s), ...queryParameters(s)],
      ...(s.body
        ? {
            requestBody: {
              required: true,
              content: { "application/json": { schema: jsonSchema(s.body, "input") } },
            },
          }
        : {}),
      responses: responses(s),
    };
  }
  const used = new Set(specs.map((s) => s.tag));
  return {
    openapi: "3.1.0",
    info: {
      ...info,
      description:
        "HTTP surface of an mxo-server process: JSON bodies; errors are " +
        "`{error:{code, message, requestId}}` with a stable `code`. Rooms are joined over WebSocket " +
        "after a matchmaking call.",
      license: { name: "MIT", identifier: "MIT" },
    },
    servers: [
      { url: "/", description: "The server that serves this document (HTTP and WebSocket on one port)" },
    ],
    tags: Object.entries(TAGS)
      .filter(([name]) => used.has(name))
      .map(([name, description]) => ({ name, description })),
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description: "The access token from POST /auth/login (or /auth/refresh)",
        },
      },
      schemas: { Error: ERROR_BODY },
    },
  };
}

function responses(s: RouteSpec): Record<string, unknown> {
  const status = s.status ?? 200;
  const out: Record<string, unknown> = {
    [String(status)]: {
      description: status === 204 ? "Done; no body" : "Success",
      ...(s.produces
        ? { content: { [s.produces]: { schema: { type: "string" } } } }
        : s.response
          ? { content: { "application/json": { schema: jsonSchema(s.response, "input") } } }
          : {}),
    },
  };
  for (const [code, other] of Object.entries(s.otherAnswers ?? {})) {
    out[code] = {
      description: other.description,
      content: { "application/json": { schema: jsonSchema(other.schema, "input") } },
    };
  }
  const errors: Record<number, string> = { ...DEFAULT_ERRORS };
  if (s.rateLimited !== false) errors[429] = "Rate limited; slow down";
  if (s.auth) errors[401] = "Missing, invalid or revoked token";
  if (s.permission) errors[403] = `Needs permission ${s.permission}`;
  Object.assign(errors, s.errors);
  const errorSchema = s.errorBody ? jsonSchema(s.errorBody, "input") : { $ref: "#/components/schemas/Error" };
  for (const [code, description] of Object.entries(errors)) {
    if (out[code]) continue;
    out[code] = { description, content: { "application/json": { schema: errorSchema } } };
  }
  return out;
}

function pathParameters(s: RouteSpec): object[] {
  return [...s.path.matchAll(/:([A-Za-z_]+)/g)].map((m) => {
    const name = m[1]!;
    return {
      name,
      in: "path",
      required: true,
      description: s.params?.[name] ?? (name === "id" ? "The resource's id (a UUID)" : name),
      schema: name === "id" ? { type: "string", format: "uuid" } : { type: "string" },
    };
  });
}

function queryParameters(s: RouteSpec): object[] {
  if (!s.query) return [];
  return Object.entries(s.query.shape).map(([name, schema]) => {
    const field = schema as RouteSpec["body"] & object;
    return {
      name,
      in: "query",
      required: !field.safeParse(undefined).success,
      schema: jsonSchema(field, "input"),
    };
  });
}

/** `POST /api/v1/admin/accounts/:id/ban` → `postAdminAccountsIdBan`: stable, URL-safe, unique. */
function uniqueId(taken: Set<string>, s: RouteSpec): string {
  const words = s.path
    .replace(/^\/api\/v1/, "")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  const base = s.method + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join("");
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}${n}`;
  taken.add(id);
  return id;
}
