import type { Application, Request, RequestHandler, Response } from "express";
import { z } from "zod";
import type { Metrics } from "../metrics/metrics.js";
import type { Logger } from "../util/logger.js";
import { route, WithStatus } from "./handler.js";
import { openApiDocument, type ApiInfo } from "./openapi/openApiDocument.js";

export type Method = "get" | "post" | "put" | "delete";

/** One route as documented: what `/api/v1/openapi.json` says about it. */
export interface RouteSpec<R extends z.ZodType = z.ZodType> {
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
  /**
   * The success body: the handler's return type is checked against it at
   * compile time, and the document shows it. Every JSON route has one (a
   * route without is refused at start), so the document cannot drift.
   */
  response?: R | undefined;
  /** Other answers with a body of their own (202 while a command waits for a second GM; /ready's 503). */
  otherAnswers?: Record<number, { description: string; schema: z.ZodType }> | undefined;
  /** Error statuses worth listing, with what they mean (each answers the JSON error body). */
  errors?: Record<number, string>;
  /** The body of those errors when it is not the contract's (Colyseus's matchmaking answers its own). */
  errorBody?: z.ZodType | undefined;
  /** False where the HTTP rate limits do not apply (probes; Colyseus's matchmaking, before Express). */
  rateLimited?: boolean;
  /** Not JSON (e.g. Prometheus text). */
  produces?: string;
  /** `{name: description}` of the path's parameters; undocumented ones are "The resource's id". */
  params?: Record<string, string>;
}

/** What a handler may return: its route's body, another status's (`WithStatus`), nothing (204), or void when it wrote the answer itself. */
export type Answer<R extends z.ZodType> = z.input<R> | WithStatus | undefined | void;
export type TypedHandler<R extends z.ZodType> = (
  req: Request,
  res: Response,
) => Promise<Answer<R>> | Answer<R>;

/**
 * Registers routes and remembers their specs, so the OpenAPI document is
 * generated from the very list the server serves: it cannot drift. Outside
 * production every answer is also checked against its schema, and a
 * mismatch is logged ("response does not match its documented schema"),
 * so the suite's own traffic finds a document that says something else.
 */
export class ApiRouter {
  readonly specs: RouteSpec[] = [];
  /** Routes served by someone else on this port (Colyseus's matchmaking), documented here. */
  readonly described: RouteSpec[] = [];

  constructor(
    private readonly app: Application,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    private readonly checkResponses = false,
  ) {}

  add<R extends z.ZodType>(spec: RouteSpec<R>, middleware: RequestHandler[], fn: TypedHandler<R>): void {
    const status = spec.status ?? 200;
    if (!spec.response && !spec.produces && status !== 204) {
      throw new Error(`${spec.method.toUpperCase()} ${spec.path} has no response schema to document`);
    }
    this.specs.push(spec as RouteSpec);
    this.app[spec.method](
      spec.path,
      ...middleware,
      route(this.metrics, this.log, spec.path, this.checkResponses ? this.checked(spec, fn) : fn, status),
    );
  }

  /** Documents a route another component serves (it must answer as the spec says). */
  describe(spec: RouteSpec): void {
    this.described.push(spec);
  }

  openapi(info: ApiInfo): Record<string, unknown> {
    return openApiDocument(info, [...this.specs, ...this.described]);
  }

  private checked<R extends z.ZodType>(spec: RouteSpec<R>, fn: TypedHandler<R>): TypedHandler<R> {
    return async (req, res) => {
      const answer = await fn(req, res);
      const [status, body, schema] =
        answer instanceof WithStatus
          ? [answer.status, answer.body, spec.otherAnswers?.[answer.status]?.schema]
          : [spec.status ?? 200, answer, spec.response];
      if (body !== undefined) {
        const parsed = schema?.safeParse(body);
        if (!parsed?.success) {
          this.log.error(
            {
              route: `${spec.method.toUpperCase()} ${spec.path}`,
              status,
              issues: parsed?.error.issues.slice(0, 5) ?? "no schema for this status",
            },
            "response does not match its documented schema",
          );
        }
      }
      return answer;
    };
  }
}
