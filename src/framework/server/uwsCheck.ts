import { request } from "node:http";
import type { TemplatedApp, us_listen_socket } from "uWebSockets.js";

/**
 * Whether a loaded "uWebSockets.js" is the real native library. A build
 * without a binary for this Node ABI may hand back something that only looks
 * like it: @trufflesuite/uws-js-unofficial prints "Falling back to a NodeJS
 * implementation" and returns a partial JavaScript imitation whose
 * `HttpRequest.forEach` throws "Not implemented", so a server on it logs
 * "listening" and never answers HTTP. Loading without an exception proves
 * nothing; these checks do.
 */

/** The surface used here and by @colyseus/uwebsockets-transport. */
export interface UwsModule {
  App: (...args: unknown[]) => TemplatedApp;
  us_listen_socket_close: (socket: us_listen_socket) => void;
  us_socket_local_port: (socket: us_listen_socket) => number;
}

/** Set by vendor/uwebsockets-select on the build it loaded. */
const BUILD = Symbol.for("uwebsockets-select.build");

/** Which package the module came from, e.g. `@btc-vision/uwebsockets.js@20.57.0`, when it says. */
export function uwsBuildName(uws: unknown): string | undefined {
  const build = (uws as Record<symbol, { name: string; version?: string } | undefined> | null)?.[BUILD];
  return build ? `${build.name}${build.version ? `@${build.version}` : ""}` : undefined;
}

const PROBE_BODY = "uws-probe";
/** Far above a loopback round trip on a loaded machine; only a dead server takes this long. */
const PROBE_TIMEOUT_MS = 10_000;

/**
 * Why `uws` cannot serve, or `undefined` when it is the real library: its
 * `App` must be native code (the imitation's is JavaScript), and an App of it
 * must answer an HTTP request on an ephemeral loopback port through the calls
 * the transport makes (`req.forEach` over the headers, `res.end`).
 */
export async function uwsUnusableReason(uws: unknown): Promise<string | undefined> {
  const candidate = uws as Partial<UwsModule> | null | undefined;
  if (typeof candidate?.App !== "function") return "the module exports no App()";
  if (!Function.prototype.toString.call(candidate.App).includes("[native code]")) {
    return "the module is a JavaScript imitation, not the native library (its App() is not native code; a build without a binary for this Node ABI fell back to a Node.js implementation that does not serve HTTP)";
  }
  if (
    typeof candidate.us_socket_local_port !== "function" ||
    typeof candidate.us_listen_socket_close !== "function"
  ) {
    return "the module lacks us_socket_local_port() or us_listen_socket_close()";
  }
  try {
    await probeHttp(candidate as UwsModule);
    return undefined;
  } catch (err) {
    return `an App of it did not serve an HTTP request on a loopback port: ${(err as Error).message}`;
  }
}

/** One real request through a throwaway App, closed afterwards whatever happens. */
async function probeHttp(uws: UwsModule): Promise<void> {
  const app = uws.App();
  app.any("/*", (res, req) => {
    let headers = 0;
    req.forEach(() => headers++);
    res.writeHeader("x-headers", String(headers)).end(PROBE_BODY);
  });
  const socket = await new Promise<us_listen_socket>((resolve, reject) => {
    app.listen("127.0.0.1", 0, (s) => (s ? resolve(s) : reject(new Error("listen on 127.0.0.1 failed"))));
  });
  try {
    const port = uws.us_socket_local_port(socket);
    const body = await get(`http://127.0.0.1:${port}/`);
    if (body !== PROBE_BODY) throw new Error(`answered ${JSON.stringify(body.slice(0, 80))}`);
  } finally {
    uws.us_listen_socket_close(socket);
  }
}

function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, timeout: PROBE_TIMEOUT_MS }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve(body));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${PROBE_TIMEOUT_MS / 1000} s`)));
    req.on("error", reject);
    req.end();
  });
}

/**
 * "uWebSockets.js" as package.json wires it (vendor/uwebsockets-select: the
 * first build that loads here), checked: the module, or why it cannot serve.
 */
export async function loadRealUws(): Promise<
  { uws: UwsModule; build: string | undefined } | { uws: undefined; reason: string }
> {
  let uws: unknown;
  try {
    uws = (await import("uWebSockets.js")).default;
  } catch (err) {
    return { uws: undefined, reason: (err as Error).message };
  }
  const reason = await uwsUnusableReason(uws);
  if (reason) return { uws: undefined, reason };
  return { uws: uws as UwsModule, build: uwsBuildName(uws) };
}
