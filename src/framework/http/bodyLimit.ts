import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { HttpRequest, HttpResponse, RecognizedString, TemplatedApp } from "uWebSockets.js";

/** The most a request to a path may send (see `bodyLimitFor` in body.ts). */
export type BodyLimitFor = (path: string) => number;

type UwsHandler = (res: HttpResponse, req: HttpRequest) => void | Promise<void>;

function tooLargeBody(limit: number): string {
  return JSON.stringify({
    error: { code: "payload_too_large", message: `Request body too large (limit ${limit} bytes)` },
  });
}

/** A declared length over the limit, or one that is not a number at all. */
function declaredTooLarge(header: string | undefined, limit: number): boolean {
  return header !== undefined && header !== "" && !(Number(header) <= limit);
}

/**
 * After a 413 the client may still be sending. Closing at once would reset the
 * connection with its data unread, and a reset can destroy the 413 before the
 * client reads it. uWebSockets.js stops reading instead (the client stalls,
 * nothing more arrives) and closes the connection at its idle timeout; Node
 * reads and drops what still comes for this long, then closes.
 */
const LINGER_MS = 2000;

/**
 * Body limits on uWebSockets.js, before anything buffers. Both consumers of
 * request bodies here (Colyseus's matchmaking routes and uwebsockets-express,
 * which runs before any Express middleware) concatenate every chunk into one
 * growing Buffer and only then let a limit look at it: a 200 MB body costs
 * gigabytes of copying. Every handler registered with `app.any` (that is how
 * both are bound) is wrapped: a Content-Length over the limit is answered 413
 * at once and its body never reaches the handler; a body without one is
 * counted chunk by chunk and cut as soon as it passes the limit.
 */
export function limitUwsBodies(app: TemplatedApp, limitFor: BodyLimitFor): void {
  const any = app.any.bind(app);
  app.any = (pattern: RecognizedString, handler: UwsHandler) => any(pattern, guardUws(handler, limitFor));
}

function guardUws(handler: UwsHandler, limitFor: BodyLimitFor): UwsHandler {
  return (res, req) => {
    const limit = limitFor(req.getUrl());
    if (declaredTooLarge(req.getHeader("content-length") || undefined, limit)) {
      refuseUws(res, limit);
      return;
    }
    const abortHandlers: (() => void)[] = [];
    const onAborted = res.onAborted.bind(res);
    res.onAborted = (cb: () => void) => {
      abortHandlers.push(cb);
      return onAborted(cb);
    };
    const onData = res.onData.bind(res);
    res.onData = (cb: (chunk: ArrayBuffer, isLast: boolean) => void) => {
      let received = 0;
      let cut = false;
      return onData((chunk, isLast) => {
        if (cut) return;
        received += chunk.byteLength;
        if (received <= limit) return cb(chunk, isLast);
        cut = true;
        refuseUws(res, limit);
        // The handler is still waiting for the rest: to it the request is
        // aborted, so it never touches the response, which is answered.
        for (const a of abortHandlers) a();
      });
    };
    return handler(res, req);
  };
}

function refuseUws(res: HttpResponse, limit: number): void {
  res.pause();
  res.cork(() => {
    res.writeStatus("413 Payload Too Large");
    res.writeHeader("content-type", "application/json; charset=utf-8");
    // This connection reads nothing more: the client must not send another request on it.
    res.writeHeader("connection", "close");
    res.end(tooLargeBody(limit));
  });
}

/**
 * The same for the `ws` transport's Node HTTP server. Express's JSON parser
 * is bounded already, but Colyseus's matchmaking routes read a body without a
 * limit; checking in `emit("request")` runs before every listener, whatever
 * order they were added in, and counting in `push` sees each chunk as the
 * parser hands it over, before any reader.
 */
export function limitNodeBodies(server: Server, limitFor: BodyLimitFor): void {
  const emit = server.emit.bind(server) as (event: string, ...args: unknown[]) => boolean;
  server.emit = ((event: string, ...args: unknown[]) => {
    if (event === "request") {
      const [req, res] = args as [IncomingMessage, ServerResponse];
      if (!admitNode(req, res, limitFor(new URL(req.url ?? "/", "http://x").pathname))) return true;
    }
    return emit(event, ...args);
  }) as typeof server.emit;
}

function admitNode(req: IncomingMessage, res: ServerResponse, limit: number): boolean {
  let received = 0;
  let refused = false;
  const refuse = () => {
    refused = true;
    refuseNode(res, limit);
    setTimeout(() => req.socket.destroy(), LINGER_MS).unref();
  };
  const push = req.push.bind(req);
  req.push = (chunk: unknown, encoding?: BufferEncoding) => {
    const end = chunk === null || chunk === undefined;
    if (!refused) {
      received += end ? 0 : (chunk as Buffer).length;
      if (received <= limit) return push(chunk, encoding);
      refuse();
      return true;
    }
    // A reader still waiting must not take a cut body for a whole one: it
    // never sees the end; the connection closes once the 413 is out.
    if (end) req.socket.destroySoon();
    return true;
  };
  if (declaredTooLarge(req.headers["content-length"], limit)) {
    refuse();
    // Nobody reads this request: keep it flowing into `push` above, which drops it.
    req.resume();
    return false;
  }
  return true;
}

function refuseNode(res: ServerResponse, limit: number): void {
  if (res.headersSent) return;
  const body = tooLargeBody(limit);
  res.writeHead(413, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
}
