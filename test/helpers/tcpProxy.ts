import { createServer, connect, type Server, type Socket } from "node:net";
import { freePort } from "./serverProcess.js";

/**
 * A TCP proxy on a free local port in front of a server (PostgreSQL here):
 * each connection to it opens one to the target and the bytes pass through
 * both ways. The fault tests cut it to play a dead database host; the
 * capacity bench reads the wire protocol as it passes.
 */
export interface TcpProxy {
  port: number;
  /** The same URL with host and port pointing at the proxy. */
  rewrite(url: string): string;
  /** Drops every connection open through it now. */
  dropAll(): void;
  close(): Promise<void>;
}

export interface TcpProxyOptions {
  /** Asked at each new connection: false closes it at once (the default lets all through). */
  admit?: () => boolean;
  /** Per connection: sees each chunk before it is passed on. */
  tap?: () => { toTarget(chunk: Buffer): void; fromTarget(chunk: Buffer): void };
}

export async function startTcpProxy(targetUrl: string, options: TcpProxyOptions = {}): Promise<TcpProxy> {
  const target = new URL(targetUrl);
  const targetPort = Number(target.port || 5432);
  const port = await freePort();
  const live = new Set<Socket>();
  const dropAll = () => {
    for (const s of live) s.destroy();
    live.clear();
  };
  const server: Server = createServer((client) => {
    if (options.admit && !options.admit()) {
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, target.hostname);
    live.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      live.delete(client);
      live.delete(upstream);
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    const tap = options.tap?.();
    // Before the pipes: a tap sees each chunk before it is written on.
    if (tap) {
      client.on("data", (chunk: Buffer) => tap.toTarget(chunk));
      upstream.on("data", (chunk: Buffer) => tap.fromTarget(chunk));
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return {
    port,
    rewrite(url) {
      const rewritten = new URL(url);
      rewritten.hostname = "127.0.0.1";
      rewritten.port = String(port);
      return rewritten.toString();
    },
    dropAll,
    async close() {
      // Stops listening first, so nothing new is let through while the open ones drop.
      const closed = new Promise((r) => server.close(r));
      dropAll();
      await closed;
    },
  };
}
