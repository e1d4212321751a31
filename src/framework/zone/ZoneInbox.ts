import { ServerError, type Client, type Room } from "@colyseus/core";
import { MoveInput } from "../../../schema/MoveInput.js";
import { MessageGate } from "../messaging/MessageGate.js";
import { InputFrameGuard } from "../net/InputFrameGuard.js";
import type { Metrics } from "../metrics/metrics.js";
import type { Logger } from "../util/logger.js";
import type { ZoneHandler } from "./ZoneHandler.js";
import { joinError } from "./ZoneMembers.js";
import type { ZoneClient } from "./ZoneServices.js";

/**
 * Where a zone's client messages come in: each is admitted through its rate
 * bucket (throttled, then disconnected), validated against its handler's
 * schema, counted, and only then handed to the game's handler. Unknown types
 * are counted and dropped; no message can crash the room.
 */
export class ZoneInbox<C> {
  readonly gate: MessageGate;

  constructor(
    metrics: Metrics,
    maxMessagesPerSecond: number,
    private readonly log: Logger,
    /** Ends a client that keeps flooding (4110, no reconnection grace). */
    private readonly disconnect: (client: Client, reason: string) => void,
  ) {
    this.gate = new MessageGate(metrics, maxMessagesPerSecond);
  }

  /**
   * Opens a room's inbox: frames are checked before Colyseus decodes them
   * (abuse ends the session at once), then messages go through the gate to
   * the game's handlers.
   */
  static open<C>(
    room: Room,
    s: { metrics: Metrics; log: Logger; config: { tickRate: number; maxMessagesPerSecond: number } },
    handlers: readonly ZoneHandler<C>[],
    ctx: () => C,
    kick: (client: Client, reason: string) => void,
  ): ZoneInbox<C> {
    const { metrics, log } = s;
    const perSecond = s.config.maxMessagesPerSecond;
    InputFrameGuard.install(room, {
      input: MoveInput,
      metrics,
      log,
      maxStrikes: perSecond * 3,
      onAbuse: kick,
    });
    // Colyseus's own cap (it closes with 4002) counts inputs too: a backstop far
    // above an honest client, so the gate's throttle-then-disconnect acts first.
    room.maxMessagesPerSecond = (s.config.tickRate + perSecond) * 4;
    const inbox = new ZoneInbox<C>(metrics, perSecond, log, kick);
    inbox.register(room, handlers, ctx);
    return inbox;
  }

  register(room: Room, handlers: readonly ZoneHandler<C>[], ctx: () => C): void {
    for (const h of handlers) {
      room.onMessage(h.type, (client, payload) => this.handle(h, ctx(), client as ZoneClient, payload));
    }
    room.onMessage("*", (client, type) => {
      if (this.admit(client, String(type))) this.gate.unknown(client, type);
    });
  }

  forget(sessionId: string): void {
    this.gate.forget(sessionId);
  }

  private handle(h: ZoneHandler<C>, ctx: C, client: ZoneClient, payload: unknown): void {
    const type = h.gate ?? h.type;
    if (!this.admit(client, type)) return;
    const msg = this.gate.parse(client, type, h.schema, payload);
    if (msg === undefined) return;
    Promise.resolve(h.handle(ctx, client, msg)).catch((err: unknown) => {
      const refusal = joinError(err);
      // A handler that lost its backing service tells the player; anything else is a bug, logged.
      if (refusal instanceof ServerError && refusal.code === 503) {
        return client.send("error", { code: "unavailable", message: refusal.message });
      }
      this.log.error({ err, type: h.type }, "message handler failed");
    });
  }

  private admit(client: Client, type: string): boolean {
    const verdict = this.gate.admit(client, type);
    if (verdict === "disconnect") this.disconnect(client, "message rate exceeded");
    return verdict === "ok";
  }
}
