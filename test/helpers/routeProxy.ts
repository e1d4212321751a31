/**
 * A reverse proxy on 127.0.0.1 that forwards HTTP requests and WebSocket
 * upgrades the way a Gateway API gateway would under the given HTTPRoutes
 * (routeRequest: longest prefix, ReplacePrefixMatch), so real servers and the
 * real SDK can be run behind deploy/k8s's routes without a cluster. Backends
 * are looked up by Service name when a request arrives.
 */
import { request, createServer, type IncomingMessage } from "node:http";
import { connect, type Socket } from "node:net";
import { routeRequest } from "./gatewayRouting.js";
import type { Obj } from "./kustomize.js";

export interface Forwarded {
  path: string;
  service: string;
  backendPath: string;
  upgrade: boolean;
}

export interface RouteProxy {
  port: number;
  /** Every request routed to a backend, in order. */
  forwarded: Forwarded[];
  close(): Promise<void>;
}

export async function startRouteProxy(
  routes: Obj[],
  host: string,
  backend: (service: string) => { host: string; port: number } | undefined,
): Promise<RouteProxy> {
  const forwarded: Forwarded[] = [];
  const sockets = new Set<Socket>();

  /** Routes a request; undefined when the gateway itself answers 404. */
  const target = (req: IncomingMessage, upgrade: boolean) => {
    const url = new URL(req.url ?? "/", "http://gateway");
    const routed = routeRequest(routes, host, url.pathname);
    const to = routed?.backend && backend(routed.backend.name);
    if (!routed?.backend || !to) return undefined;
    forwarded.push({ path: url.pathname, service: routed.backend.name, backendPath: routed.path, upgrade });
    const headers = { ...req.headers, "x-forwarded-for": req.socket.remoteAddress ?? "" };
    return { ...to, path: routed.path + url.search, headers };
  };

  const server = createServer((req, res) => {
    const t = target(req, false);
    if (!t) {
      res.writeHead(404, { "content-type": "text/plain" }).end("no route\n");
      return;
    }
    const out = request(
      { host: t.host, port: t.port, method: req.method, path: t.path, headers: t.headers },
      (back) => {
        res.writeHead(back.statusCode ?? 502, back.headers);
        back.pipe(res);
      },
    );
    out.on("error", () => res.headersSent || res.writeHead(502).end());
    req.pipe(out);
  });

  // WebSocket: the request line and headers again, with the rewritten path, then raw bytes both ways.
  server.on("upgrade", (req: IncomingMessage, client: Socket, head: Buffer) => {
    const t = target(req, true);
    if (!t) {
      client.end("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    const upstream = connect(t.port, t.host, () => {
      const lines = [`${req.method} ${t.path} HTTP/1.1`];
      for (const [name, value] of Object.entries(t.headers)) {
        for (const v of Array.isArray(value) ? value : [value])
          if (v !== undefined) lines.push(`${name}: ${v}`);
      }
      upstream.write(lines.join("\r\n") + "\r\n\r\n");
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
  });

  await new Promise<void>((res) => server.listen(0, "127.0.0.1", res));
  const address = server.address();
  return {
    port: typeof address === "object" && address ? address.port : 0,
    forwarded,
    close: async () => {
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      await new Promise<void>((res) => server.close(() => res()));
    },
  };
}
