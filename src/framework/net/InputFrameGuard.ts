import { ClientState, type Client, type Room } from "@colyseus/core";
import type { Metrics } from "../metrics/metrics.js";
import type { Logger } from "../util/logger.js";
import { classifyFrame, type FrameContext, type StampShape } from "./classifyFrame.js";
import { InputBodyValidator } from "./InputBodyValidator.js";

/** Malformed frames count against a client within this window, like the message gate's strikes. */
const STRIKE_WINDOW_MS = 10_000;
/** At most one log line per this period for the whole process, however many frames are dropped. */
const LOG_EVERY_MS = 10_000;

export interface InputFrameGuardOptions {
  /** The class given to `defineInput` (flat primitives), or undefined for a room without input. */
  input: ((abstract new () => object) & { name: string }) | undefined;
  metrics: Metrics;
  log: Logger;
  /** Malformed frames tolerated per client in a 10 s window; one more and it is closed. */
  maxStrikes: number;
  /**
   * Closes a client for protocol abuse. The room must end its session at
   * once: no reconnection grace, which is for network drops only.
   */
  onAbuse(client: Client, reason: string): void;
}

/**
 * The parts of Colyseus 0.18 internals the guard stands on, named in one
 * place so a version bump that moves them fails at room creation (see
 * `install`), not silently.
 */
interface RoomInternals {
  _onMessage(client: Client, frame: unknown): void;
  /** Colyseus's per-client frame-rate backstop; it only sees the frames the guard lets through. */
  maxMessagesPerSecond: number;
  _timelineMode?(): { reckon: boolean; snapshot: boolean } | undefined;
  clock: { elapsedTime: number };
}
interface ClientInternals {
  state: number;
  /** The reliable input stamp's running baseline (`RoomInput.decodeReliable`). */
  _reckonBaseline?: number;
}

const validators = new WeakMap<object, InputBodyValidator>();
const dropped = { count: 0, since: 0, lastLog: 0 };

/**
 * Sits in front of Colyseus's frame dispatch (`Room._onMessage`) and lets
 * through only frames shaped exactly as the SDK writes them
 * (`classifyFrame`): the dependency's decoders trust their input, and one
 * hostile frame could freeze the process or flood the log. Dropped frames are
 * counted in `mxo_messages_total{type="input"|"protocol", result="malformed"}`
 * (`invalid` for well-framed inputs carrying NaN or ±Infinity, which cost no
 * strike); a client that keeps sending malformed frames, or drops more frames
 * a second than Colyseus's backstop lets through, is closed through
 * `onAbuse`. Nothing is logged per frame: one summary line per 10 s at most.
 */
export class InputFrameGuard {
  private readonly strikes = new WeakMap<Client, { count: number; since: number }>();
  /** Dropped frames per client in the current second, held to the same backstop as the frames let through. */
  private readonly rates = new WeakMap<Client, { count: number; resetsAt: number }>();
  private readonly closed = new WeakSet<Client>();
  private readonly validator: InputBodyValidator | undefined;
  private stamp: StampShape | undefined;

  private constructor(
    private readonly room: RoomInternals,
    private readonly options: InputFrameGuardOptions,
  ) {
    const input = options.input;
    if (input) {
      let validator = validators.get(input);
      if (!validator) {
        validator = InputBodyValidator.forSchema(
          input as unknown as Parameters<typeof InputBodyValidator.forSchema>[0],
        );
        validators.set(input, validator);
      }
      this.validator = validator;
    }
  }

  /** Wraps the room's frame dispatch; call in `onCreate`, before any client joins. */
  static install(room: Room, options: InputFrameGuardOptions): InputFrameGuard {
    const internals = room as unknown as RoomInternals;
    const dispatch = internals._onMessage;
    if (typeof dispatch !== "function") {
      throw new Error(
        "InputFrameGuard: Room._onMessage is gone; check the guard against this Colyseus version",
      );
    }
    const guard = new InputFrameGuard(internals, options);
    // An own property: Colyseus binds `this._onMessage` per client when it joins.
    internals._onMessage = function guardedOnMessage(this: unknown, client: Client, frame: unknown) {
      if (guard.admit(client, frame)) dispatch.call(this, client, frame);
    };
    return guard;
  }

  /** Whether a frame may reach Colyseus; counts and punishes it otherwise. */
  admit(client: Client, frame: unknown, now: number = Date.now()): boolean {
    if (this.closed.has(client)) return false;
    const internals = client as unknown as ClientInternals;
    if (!(frame instanceof Uint8Array)) {
      this.reject(client, "protocol", "malformed", now);
      return false;
    }
    const ctx: FrameContext = {
      input: this.validator,
      stamp: this.stampShape(),
      joining: internals.state === ClientState.JOINING,
      stampBaseline: internals._reckonBaseline ?? 0,
      nowMs: this.room.clock.elapsedTime,
    };
    const { kind, verdict } = classifyFrame(frame, ctx);
    if (verdict === "ok") return true;
    this.reject(client, kind, verdict, now);
    return false;
  }

  private reject(
    client: Client,
    kind: "input" | "protocol",
    verdict: "malformed" | "invalid",
    now: number,
  ): void {
    this.options.metrics.messages.inc({ type: kind, result: verdict });
    this.note(now);
    let rate = this.rates.get(client);
    if (!rate || now >= rate.resetsAt) {
      rate = { count: 0, resetsAt: now + 1000 };
      this.rates.set(client, rate);
    }
    if (++rate.count > this.room.maxMessagesPerSecond) {
      this.closed.add(client);
      this.options.onAbuse(client, "frame rate exceeded");
      return;
    }
    if (verdict === "invalid") return;
    let window = this.strikes.get(client);
    if (!window || now - window.since > STRIKE_WINDOW_MS) {
      window = { count: 0, since: now };
      this.strikes.set(client, window);
    }
    if (++window.count > this.options.maxStrikes) {
      this.closed.add(client);
      this.options.onAbuse(client, "malformed frames");
    }
  }

  private note(now: number): void {
    if (dropped.count++ === 0) dropped.since = now;
    if (now - dropped.lastLog < LOG_EVERY_MS) return;
    this.options.log.warn(
      { dropped: dropped.count, seconds: Math.round((now - dropped.since) / 1000) },
      "dropped malformed client frames",
    );
    dropped.lastLog = now;
    dropped.count = 0;
  }

  /** Read once the room's rewind attachments exist, as Colyseus itself freezes it at the first handshake. */
  private stampShape(): StampShape {
    if (this.stamp === undefined) {
      const mode = this.room._timelineMode?.();
      this.stamp = mode?.reckon && mode.snapshot ? "both" : mode?.reckon || mode?.snapshot ? "one" : "none";
    }
    return this.stamp;
  }
}
