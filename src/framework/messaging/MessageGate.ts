import type { z } from "zod";
import type { Metrics } from "../metrics/metrics.js";
import { TokenBucket } from "./TokenBucket.js";

export interface GateClient {
  sessionId: string;
  send(type: string, message: unknown): void;
}

const STRIKE_WINDOW_MS = 10_000;

export type GateVerdict = "ok" | "throttled" | "disconnect";

/**
 * Every client message passes here before a handler sees it: rate limit,
 * schema validation, counting. Bad input is dropped, counted and answered with
 * an `error` message; it never throws into the room. A client that keeps
 * exceeding its rate after being throttled is disconnected by the caller.
 */
export class MessageGate {
  private readonly buckets = new Map<string, TokenBucket>();
  /** Throttled messages per client in the current strike window. */
  private readonly strikes = new Map<string, { count: number; since: number }>();

  constructor(
    private readonly metrics: Metrics,
    private readonly ratePerSecond: number,
    /** Throttled messages tolerated before the verdict becomes "disconnect". */
    private readonly maxStrikes = ratePerSecond * 3,
  ) {}

  /** Rate limit check for one incoming message. */
  admit(client: GateClient, type: string, now: number = Date.now()): GateVerdict {
    let bucket = this.buckets.get(client.sessionId);
    if (!bucket) {
      bucket = new TokenBucket(this.ratePerSecond, this.ratePerSecond * 2, now);
      this.buckets.set(client.sessionId, bucket);
    }
    if (bucket.take(now)) return "ok";
    // Strikes expire with their window: an occasional burst over a long session
    // is throttled, only sustained flooding leads to a disconnect.
    let window = this.strikes.get(client.sessionId);
    if (!window || now - window.since > STRIKE_WINDOW_MS) {
      window = { count: 0, since: now };
      this.strikes.set(client.sessionId, window);
    }
    const strikes = ++window.count;
    this.metrics.messages.inc({ type: label(type), result: "throttled" });
    if (strikes === 1 || strikes % 10 === 0) {
      client.send("error", {
        code: "rate_limited",
        message: `Too many messages; limit is ${this.ratePerSecond}/s`,
      });
    }
    return strikes > this.maxStrikes ? "disconnect" : "throttled";
  }

  /** Validates a payload; on failure counts it and tells the client why. */
  parse<S extends z.ZodType>(
    client: GateClient,
    type: string,
    schema: S,
    payload: unknown,
  ): z.infer<S> | undefined {
    // A privileged message with NUL goes on to the command registry, which
    // refuses it too, but writes the refusal to the audit log (escaped).
    if (type !== "gm" && hasNul(payload)) {
      this.metrics.messages.inc({ type: label(type), result: "invalid" });
      client.send("error", {
        code: "invalid_message",
        message: `Invalid ${type} message: text must not contain NUL characters`,
      });
      return undefined;
    }
    const parsed = schema.safeParse(payload);
    if (parsed.success) {
      this.metrics.messages.inc({ type: label(type), result: "ok" });
      return parsed.data;
    }
    this.metrics.messages.inc({ type: label(type), result: "invalid" });
    const issue = parsed.error.issues[0];
    client.send("error", {
      code: "invalid_message",
      message: `Invalid ${type} message: ${issue ? `${issue.path.join(".") || "payload"}: ${issue.message}` : "bad shape"}`,
    });
    return undefined;
  }

  unknown(client: GateClient, type: unknown): void {
    this.metrics.messages.inc({ type: "unknown", result: "unknown" });
    client.send("error", {
      code: "unknown_message",
      message: `Unknown message type ${JSON.stringify(String(type)).slice(0, 40)}`,
    });
  }

  forget(sessionId: string): void {
    this.buckets.delete(sessionId);
    this.strikes.delete(sessionId);
  }
}

/**
 * NUL is never game text, and PostgreSQL refuses it in every text column
 * (`invalid byte sequence for encoding "UTF8"`): refused here, once for every
 * message, instead of failing deep in a handler that stores it. Payloads are
 * small and shallow (the frame guard bounds their size and depth).
 */
function hasNul(value: unknown, depth = 0): boolean {
  if (typeof value === "string") return value.includes("\u0000");
  if (typeof value !== "object" || value === null || depth > 32 || ArrayBuffer.isView(value)) return false;
  if (Array.isArray(value)) return value.some((v) => hasNul(v, depth + 1));
  return Object.entries(value).some(([k, v]) => k.includes("\u0000") || hasNul(v, depth + 1));
}

/** Label values must stay a small fixed set: arbitrary client strings would explode the series. */
const KNOWN_TYPES = new Set([
  "chat",
  "ability",
  "interlock",
  "mission",
  "travel",
  "gm",
  "loadout",
  "interact",
  "input",
  "protocol",
]);
function label(type: string): string {
  return KNOWN_TYPES.has(type) ? type : "unknown";
}
