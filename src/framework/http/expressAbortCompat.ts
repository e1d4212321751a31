import express from "express";

let applied = false;

/**
 * @colyseus/uwebsockets-transport marks a response `writableEnded = true` when
 * the client aborts. The response is a uwebsockets-express `ServerResponse`
 * (an `http.OutgoingMessage`), and once Express has handled it, an
 * `express.response`; on both, `writableEnded` is a getter only, so that
 * assignment throws inside an event listener and takes the whole process
 * down: any client hanging up mid-request could crash the server. An accessor
 * with a setter on both prototypes makes the assignment harmless; the getter
 * answers as Node's does (from `finished`, which the transport sets first).
 */
export async function allowWritableEndedAssignment(): Promise<void> {
  if (applied) return;
  applied = true;
  const { ServerResponse } = await import("uwebsockets-express");
  for (const proto of [ServerResponse.prototype, express.response]) {
    Object.defineProperty(proto, "writableEnded", {
      configurable: true,
      get(this: { finished?: boolean }) {
        return Boolean(this.finished);
      },
      set() {
        // `finished` carries the state.
      },
    });
  }
}
