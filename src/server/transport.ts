import type { Transport } from "@colyseus/core";
import type { Config } from "../config/config.js";
import { allowWritableEndedAssignment } from "../http/expressAbortCompat.js";
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
      await allowWritableEndedAssignment();
      const transport = new uWebSocketsTransport({
        maxPayloadLength: MAX_PAYLOAD_BYTES,
        idleTimeout: 60,
        maxBackpressure: 1024 * 1024,
      });
      return { transport, kind: "uws" };
    } catch (err) {
      log.warn(
        { err: (err as Error).message },
        "uWebSockets.js could not load on this platform; falling back to the ws transport",
      );
    }
  }
  const { WebSocketTransport } = await import("@colyseus/ws-transport");
  return { transport: new WebSocketTransport({ maxPayload: MAX_PAYLOAD_BYTES }), kind: "ws" };
}
