import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Span,
} from "@opentelemetry/api";
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
} from "@opentelemetry/semantic-conventions";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { failSpan, tracer } from "./tracing.js";

/**
 * A server span per HTTP request Express serves (the API, probes, metrics,
 * pages), continuing the caller's `traceparent` when it sends one. Named by
 * the route that matched (`POST /auth/login`), known only once the response
 * is done; an unmatched path keeps the method alone, so span names stay few.
 */
export function traceHttpRequests(): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const span = tracer.startSpan(
      req.method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          [ATTR_HTTP_REQUEST_METHOD]: req.method,
          [ATTR_URL_PATH]: req.path,
          [ATTR_URL_SCHEME]: req.protocol,
          [ATTR_CLIENT_ADDRESS]: req.ip ?? "",
          [ATTR_USER_AGENT_ORIGINAL]: req.get("user-agent") ?? "",
        },
      },
      parent,
    );
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      const route = (req.route as { path?: unknown } | undefined)?.path;
      if (typeof route === "string") {
        // Mounted routers (the admin API) prefix their own paths.
        const full = req.baseUrl + route;
        span.setAttribute(ATTR_HTTP_ROUTE, full);
        span.updateName(`${req.method} ${full}`);
      }
      finish(span, res.statusCode);
    };
    res.once("finish", end);
    res.once("close", end);
    context.with(trace.setSpan(parent, span), next);
  };
}

/**
 * Colyseus serves `/matchmake/*` through its own router before Express sees
 * the request: the same server span for those, where a join's trace starts
 * (the room's `onAuth` runs inside it). Call once the router exists (after listen).
 */
export function traceRouter(router: {
  handler: (request: globalThis.Request) => Promise<globalThis.Response>;
}): void {
  const handle = router.handler;
  router.handler = (request: globalThis.Request) => {
    const url = new URL(request.url);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, key) => (headers[key] = value));
    const parent = propagation.extract(ROOT_CONTEXT, headers);
    // `/matchmake/joinOrCreate/district`: the method is part of the route, the room name a parameter.
    const [, base, method] = url.pathname.split("/");
    const route = base === "matchmake" && method ? `/matchmake/${method}/:roomName` : url.pathname;
    const span = tracer.startSpan(
      `${request.method} ${route}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          [ATTR_HTTP_REQUEST_METHOD]: request.method,
          [ATTR_HTTP_ROUTE]: route,
          [ATTR_URL_PATH]: url.pathname,
          [ATTR_URL_SCHEME]: url.protocol.replace(":", ""),
          [ATTR_USER_AGENT_ORIGINAL]: request.headers.get("user-agent") ?? "",
        },
      },
      parent,
    );
    return context
      .with(trace.setSpan(parent, span), () => handle(request))
      .then(
        (response) => {
          finish(span, response.status);
          return response;
        },
        (err: unknown) => {
          failSpan(span, err);
          span.end();
          throw err;
        },
      );
  };
}

/** Server errors mark the span failed; a 4xx is the client's, and leaves it unset (the HTTP conventions' rule). */
function finish(span: Span, status: number): void {
  span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
  if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}
