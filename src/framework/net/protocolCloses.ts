import { CloseCode } from "@colyseus/core";
import type { WebSocket, WebSocketServer } from "ws";

/** RFC 6455 §7.4.1 codes for a peer that broke the protocol. */
export const WS_PROTOCOL_ERROR = 1002;
export const WS_UNSUPPORTED_DATA = 1003;
export const WS_INVALID_PAYLOAD = 1007;
export const WS_MESSAGE_TOO_BIG = 1009;

/**
 * Close codes that mean the client was cut for what it sent — a frame over
 * the max payload, invalid data, or Colyseus's own 4002 (a frame it could not
 * decode, or its message-rate backstop) — as opposed to a network drop
 * (1006, 1001), which is what the reconnection grace is for.
 */
const PROTOCOL_ABUSE = new Set<number>([
  WS_PROTOCOL_ERROR,
  WS_UNSUPPORTED_DATA,
  WS_INVALID_PAYLOAD,
  WS_MESSAGE_TOO_BIG,
  CloseCode.WITH_ERROR,
]);

export function isProtocolAbuseClose(code: number | undefined): boolean {
  return code !== undefined && PROTOCOL_ABUSE.has(code);
}

interface UwsModule {
  App: (...args: never[]) => UwsApp;
}
interface UwsApp {
  ws(pattern: string, behavior: { close?: UwsClose }): unknown;
}
type UwsClose = (ws: unknown, code: number, message: ArrayBuffer) => void;

/**
 * uWebSockets.js reports a connection it cut for an oversized or invalid
 * frame as 1006 (abnormal closure) with the reason only in the message,
 * which Colyseus's transport drops: the room could not tell it from a network
 * drop. While `create` builds the transport, apps it opens report those cuts
 * with their RFC code (1009, 1007) instead.
 */
export function withUwsProtocolCloses<T>(uws: UwsModule, create: () => T): T {
  const open = uws.App;
  uws.App = ((...args: never[]) => {
    const app = open(...args);
    const ws = app.ws.bind(app);
    app.ws = (pattern, behavior) => {
      const close = behavior.close;
      if (!close) return ws(pattern, behavior);
      return ws(pattern, {
        ...behavior,
        close: (socket, code, message) => close(socket, uwsCloseCode(code, message), message),
      });
    };
    return app;
  }) as UwsModule["App"];
  try {
    return create();
  } finally {
    uws.App = open;
  }
}

function uwsCloseCode(code: number, message: ArrayBuffer): number {
  if (code !== 1006 || message.byteLength === 0) return code;
  const reason = Buffer.from(message).toString("latin1");
  if (reason.startsWith("Received too big message")) return WS_MESSAGE_TOO_BIG;
  if (reason.startsWith("Received invalid UTF-8")) return WS_INVALID_PAYLOAD;
  return code;
}

/**
 * The `ws` transport: a frame over `maxPayload` (or otherwise invalid) makes
 * `ws` send a close frame and wait up to 30 s for the peer to answer, then
 * report 1006 if it never does. Such a socket is cut at once and reported
 * with the RFC code from the error instead.
 */
export function withWsProtocolCloses(wss: WebSocketServer): void {
  wss.on("connection", (socket: WebSocket) => {
    let abuse: number | undefined;
    socket.on("error", (err: Error & { code?: string }) => {
      abuse = wsErrorCloseCode(err.code);
      if (abuse !== undefined) socket.terminate();
    });
    const emit = socket.emit.bind(socket);
    socket.emit = ((event: string | symbol, ...args: unknown[]) => {
      if (event === "close" && abuse !== undefined) args[0] = abuse;
      return emit(event, ...args);
    }) as typeof socket.emit;
  });
}

function wsErrorCloseCode(code: string | undefined): number | undefined {
  if (!code?.startsWith("WS_ERR_")) return undefined;
  if (code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH") return WS_MESSAGE_TOO_BIG;
  if (code === "WS_ERR_INVALID_UTF8") return WS_INVALID_PAYLOAD;
  return WS_PROTOCOL_ERROR;
}
