import { context, SpanStatusCode, type Span } from "@opentelemetry/api";
import { contextOf, instrumentation, tracer, tracingEnabled, withSpan } from "../tracing/tracing.js";
import type { ZoneClient } from "./ZoneServices.js";

/**
 * A join's spans on the process that seats the player. The seat reservation
 * carries the trace its matchmaking request (or travel) began, possibly on
 * another process (`ZoneAuth.traceparent`); `zone.join` continues it around
 * `onJoin` (custody's lease and load, entering the world), then
 * `zone.first_state` lasts until the client has been sent the whole state —
 * the moment the player sees the world. Nothing is done while tracing is off.
 */
export class JoinTrace {
  /** `zone.first_state` spans of clients still waiting for their first state. */
  private readonly waiting = new Map<string, Span>();

  constructor(room: object) {
    instrumentation()?.sendFullState(room, (sessionId) => this.sent(sessionId));
  }

  async join<T>(client: ZoneClient, attributes: Record<string, string>, seat: () => Promise<T>): Promise<T> {
    if (!tracingEnabled()) return seat();
    const parent = contextOf(client.auth?.traceparent) ?? context.active();
    return withSpan("zone.join", { parent, attributes }, async () => {
      const seated = await seat();
      this.waiting.get(client.sessionId)?.end();
      this.waiting.set(client.sessionId, tracer.startSpan("zone.first_state", { attributes }));
      return seated;
    });
  }

  /** The client left: a join that never got its state ends failed. */
  left(sessionId: string): void {
    const span = this.waiting.get(sessionId);
    if (!span) return;
    this.waiting.delete(sessionId);
    span.setStatus({ code: SpanStatusCode.ERROR, message: "left before receiving the state" });
    span.end();
  }

  private sent(sessionId: string): void {
    const span = this.waiting.get(sessionId);
    if (!span) return;
    this.waiting.delete(sessionId);
    span.end();
  }
}
