import type { Transport } from "@colyseus/core";
import type { WebSocketServer } from "ws";
import type { Config } from "../config/config.js";
import { bodyLimitFor } from "../http/body.js";
import { limitNodeBodies, limitUwsBodies } from "../http/bodyLimit.js";
import { allowWritableEndedAssignment } from "../http/expressAbortCompat.js";
import { withUwsProtocolCloses, withWsProtocolCloses } from "../net/protocolCloses.js";
import type { Logger } from "../util/logger.js";

/** Largest client frame accepted; game messages are far smaller. */
const MAX_PAYLOAD_BYTES = 16 * 1024;

/**
 * uWebSockets.js when its native binary loads on this platform (it ships per
 * Node ABI and glibc), otherwise the pure-JS `ws` transport, with a warning
 * instead of a crash.
 */
export async function createTransport(
  config: Config,
  log: Logger,
): Promise<{ transport: Transport; kind: "uws" | "ws" }> {
  if (config.transport === "uws") {
    try {
      const { uWebSocketsTransport } = await import("@colyseus/uwebsockets-transport");
      const { default: uws } = await import("uWebSockets.js");
      await allowWritableEndedAssignment();
      // A client cut for an oversized frame must read as abuse, not as a network drop.
      const transport = withUwsProtocolCloses(
        uws,
        () =>
          new uWebSocketsTransport({
            maxPayloadLength: MAX_PAYLOAD_BYTES,
            idleTimeout: 60,
            maxBackpressure: 1024 * 1024,
          }),
      );
      limitUwsBodies(transport.app, bodyLimitFor);
      return { transport, kind: "uws" };
    } catch (err) {
      log.warn(
        { err: (err as Error).message },
        "uWebSockets.js could not load on this platform; falling back to the ws transport",
      );
    }
  }
  const { WebSocketTransport } = await import("@colyseus/ws-transport");
  const transport = new WebSocketTransport({ maxPayload: MAX_PAYLOAD_BYTES });
  withWsProtocolCloses((transport as unknown as { wss: WebSocketServer }).wss);
  if (transport.server) limitNodeBodies(transport.server, bodyLimitFor);
  return { transport, kind: "ws" };
}
