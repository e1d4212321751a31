import type { Transport } from "@colyseus/core";
import type { WebSocketServer } from "ws";
import { ConfigError, type Config } from "../config/config.js";
import { bodyLimitFor } from "../http/body.js";
import { limitNodeBodies, limitUwsBodies } from "../http/bodyLimit.js";
import { answerParseErrors } from "../http/parseErrors.js";
import { allowWritableEndedAssignment } from "../http/expressAbortCompat.js";
import { withUwsProtocolCloses, withWsProtocolCloses } from "../net/protocolCloses.js";
import type { Logger } from "../util/logger.js";
import { loadRealUws } from "./uwsCheck.js";

/** Largest client frame accepted; game messages are far smaller. */
const MAX_PAYLOAD_BYTES = 16 * 1024;

/**
 * uWebSockets.js where a real build of it serves on this platform (native
 * binaries ship per Node ABI and glibc: see vendor/uwebsockets-select), else
 * the pure-JS `ws` transport. TRANSPORT=auto (the default) falls back with one
 * warning; TRANSPORT=uws refuses to start instead, as a configuration error
 * (exit 2): whoever asked for uWS by name should not silently get ws.
 */
export async function createTransport(
  config: Config,
  log: Logger,
): Promise<{ transport: Transport; kind: "uws" | "ws" }> {
  if (config.transport !== "ws") {
    const loaded = await loadRealUws();
    if (loaded.uws) {
      const { uWebSocketsTransport } = await import("@colyseus/uwebsockets-transport");
      await allowWritableEndedAssignment();
      // A client cut for an oversized frame must read as abuse, not as a network drop.
      const transport = withUwsProtocolCloses(
        loaded.uws,
        () =>
          new uWebSocketsTransport({
            maxPayloadLength: MAX_PAYLOAD_BYTES,
            idleTimeout: 60,
            maxBackpressure: 1024 * 1024,
          }),
      );
      limitUwsBodies(transport.app, bodyLimitFor);
      log.debug({ build: loaded.build }, "uWebSockets.js build in use");
      return { transport, kind: "uws" };
    }
    if (config.transport === "uws") {
      throw new ConfigError(
        "TRANSPORT",
        `is uws, but uWebSockets.js cannot serve here: ${loaded.reason}. ` +
          "Unset TRANSPORT (or set it to auto) to serve on the ws transport instead",
      );
    }
    log.warn(
      { err: loaded.reason },
      "uWebSockets.js could not load on this platform; falling back to the ws transport",
    );
  }
  const { WebSocketTransport } = await import("@colyseus/ws-transport");
  const transport = new WebSocketTransport({ maxPayload: MAX_PAYLOAD_BYTES });
  withWsProtocolCloses((transport as unknown as { wss: WebSocketServer }).wss);
  if (transport.server) {
    limitNodeBodies(transport.server, bodyLimitFor);
    answerParseErrors(transport.server);
  }
  return { transport, kind: "ws" };
}
