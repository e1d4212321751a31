import type { NextFunction, Request, Response } from "express";
import type { HttpErrorBody } from "../contract/errors.js";
import type { Metrics } from "../metrics/metrics.js";
import { isServiceFault, serviceUnavailable } from "../util/faults.js";
import { AppError } from "../util/errors.js";
import type { Logger } from "../util/logger.js";

export type Handler = (req: Request, res: Response) => Promise<unknown> | unknown;

/** A handler's answer with a status other than the route's usual one (e.g. 202 for queued work). */
export class WithStatus {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}

/**
 * Wraps a route: times it under a fixed route label, turns AppErrors into the
 * contract's `{error:{code,message}}` bodies and anything else into a 500
 * without internals. Handlers return the body (sent as JSON with `status`) or
 * write the response themselves.
 */
export function route(metrics: Metrics, log: Logger, name: string, fn: Handler, status = 200) {
  return async (req: Request, res: Response, _next?: NextFunction) => {
    const end = metrics.httpDuration.startTimer({ route: name, method: req.method });
    try {
      const answer = await fn(req, res);
      if (!responded(res)) {
        if (answer === undefined) res.status(204).end();
        else if (answer instanceof WithStatus) res.status(answer.status).json(answer.body);
        else res.status(status).json(answer);
      }
    } catch (err) {
      sendError(res, err, log, req);
    } finally {
      end({ status: String(res.statusCode) });
    }
  };
}

const requestIds = new WeakMap<Request, string>();

/** Remembers the request's id and echoes it as `X-Request-Id`. */
export function setRequestId(req: Request, res: Response, id: string): void {
  requestIds.set(req, id);
  res.set("X-Request-Id", id);
}

export function requestIdOf(req: Request | undefined): string | undefined {
  return req ? requestIds.get(req) : undefined;
}

/**
 * Whether a handler already wrote the response itself. uwebsockets-express
 * never sets `headersSent` (it keeps `_headerSent`), so that flag alone would
 * let us answer twice and record the wrong status in the metrics.
 */
function responded(res: Response): boolean {
  return res.headersSent || res.writableEnded || (res as { _headerSent?: boolean })._headerSent === true;
}

export function sendError(res: Response, err: unknown, log: Logger, req?: Request): void {
  if (responded(res)) return;
  const requestId = requestIdOf(req);
  // The database or Redis cannot be reached: the caller may try again, nothing is broken.
  if (!(err instanceof AppError) && isServiceFault(err)) err = serviceUnavailable();
  if (err instanceof AppError) {
    const body: HttpErrorBody = {
      error: { code: err.code, message: err.message },
    };
    if (requestId) body.error.requestId = requestId;
    if (err.details !== undefined) body.error.details = err.details;
    res.status(err.status).json(body);
    return;
  }
  log.error({ err, requestId }, "unhandled error in HTTP route");
  res.status(500).json({
    error: { code: "internal_error", message: "Internal server error", ...(requestId ? { requestId } : {}) },
  });
}

export function bearerToken(req: Request): string | undefined {
  const header = req.get("authorization") ?? req.headers["authorization"];
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(value);
  return match?.[1];
}

/**
 * The caller's address. Behind a proxy (TRUST_PROXY) the first X-Forwarded-For
 * entry; read here rather than through Express's "trust proxy", which the uWS
 * request adapter does not implement.
 */
export function clientIp(req: Request, trustProxy: boolean): string | undefined {
  if (trustProxy) {
    const forwarded = req.get("x-forwarded-for");
    const first = forwarded?.split(",")[0]?.trim();
    if (first) return first;
  }
  return req.ip ?? req.socket?.remoteAddress ?? undefined;
}
