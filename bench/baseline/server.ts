/**
 * Process entry of the baseline server: one `baseline` room type on the same
 * transport mxo-server uses (uWebSockets.js where a real build of it serves on
 * this Node, else ws, as TRANSPORT=auto decides; same options as
 * src/framework/server/transport.ts). Started by bench/scale.ts as
 * `node --import tsx --import ./bench/lib/preloadProbe.mjs bench/baseline/server.ts`
 * with PORT set; prints "baseline listening" when ready.
 */
import { defineRoom, defineServer } from "@colyseus/core";
import { WebSocketTransport } from "@colyseus/ws-transport";
import { loadRealUws } from "../../src/framework/server/uwsCheck.js";
import { BaselineRoom } from "./BaselineRoom.js";

const port = Number(process.env.PORT ?? 2590);
const uws = await loadRealUws();
const transport = uws.uws
  ? new (await import("@colyseus/uwebsockets-transport")).uWebSocketsTransport({
      maxPayloadLength: 16 * 1024,
      idleTimeout: 60,
      maxBackpressure: 1024 * 1024,
    })
  : new WebSocketTransport({ maxPayload: 16 * 1024 });
const server = defineServer({
  transport,
  greet: false,
  gracefullyShutdown: false,
  rooms: { baseline: defineRoom(BaselineRoom) },
});
await server.listen(port, "127.0.0.1");
console.log(
  JSON.stringify({ msg: "baseline listening", port, pid: process.pid, transport: uws.uws ? "uws" : "ws" }),
);

const stop = () => {
  void server
    .gracefullyShutdown(false)
    .catch(() => {})
    .finally(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
