import { ServerError } from "@colyseus/core";
import { Redis } from "ioredis";
import { instrumentation } from "../tracing/tracing.js";

/** Commands fail this soon into an outage instead of hanging a player's action on it. */
const RETRIES_PER_COMMAND = 2;
/** Reconnect attempts come at most this far apart, so every process is back within it. */
const MAX_RECONNECT_DELAY_MS = 400;
/**
 * A join that arrives while the connection is being re-established waits this
 * long for it (a restart takes well under a second to be noticed and healed)
 * before it is told to try again.
 */
const JOIN_WAIT_MS = 2000;
/**
 * After Redis comes back, room listings are empty until every process has
 * re-registered its rooms; matchmaking waits this long (well past every
 * process's reconnect delay) before it believes an empty listing.
 */
export const SETTLE_MS = 1500;

/**
 * Why an action that needs Redis cannot run right now. A ServerError with a
 * 503 code, so Colyseus's matchmaking route answers 503 with the message.
 */
export class RedisUnavailableError extends ServerError {
  constructor(what = "The cluster service (Redis)") {
    super(503, `${what} is unavailable; try again shortly`);
    this.name = "RedisUnavailableError";
  }
}

/**
 * The process's one Redis command connection (presence publishes, the
 * matchmaker driver, leases, rate limits share it; subscriptions duplicate
 * it), and what the rest of the server needs to know about it: is it up, and
 * has it just come back (Redis restarts empty: whoever registered something
 * there must register it again).
 */
export class RedisLink {
  readonly client: Redis;
  /** Bumped each time the connection is ready again after a loss. */
  epoch = 0;
  private readyAt = 0;
  private everReady = false;
  private readonly restoredHandlers: (() => Promise<void> | void)[] = [];

  constructor(url: string, onError: (err: Error) => void) {
    this.client = new Redis(url, {
      maxRetriesPerRequest: RETRIES_PER_COMMAND,
      retryStrategy: (times) => Math.min(50 * times, MAX_RECONNECT_DELAY_MS),
    });
    instrumentation()?.redis(this.client, url);
    let lastError = "";
    this.client.on("error", (err: Error) => {
      // One line per distinct failure, not one per reconnect attempt.
      if (err.message !== lastError) onError(err);
      lastError = err.message;
    });
    this.client.on("ready", () => {
      lastError = "";
      this.readyAt = Date.now();
      if (!this.everReady) {
        this.everReady = true;
        return;
      }
      this.epoch++;
      for (const handler of this.restoredHandlers) void Promise.resolve(handler()).catch(onError);
    });
  }

  get up(): boolean {
    return this.client.status === "ready";
  }

  /** Throws at once while Redis is unreachable, so callers answer "unavailable" instead of hanging. */
  assertUp(what?: string): void {
    if (!this.up) throw new RedisUnavailableError(what);
  }

  /** Runs after every reconnection (not the first connection). */
  onRestored(handler: () => Promise<void> | void): void {
    this.restoredHandlers.push(handler);
  }

  /**
   * Resolves once Redis is up (waiting a moment for a reconnection under way)
   * and, after a reconnection, every process had time to register again.
   */
  async settled(): Promise<void> {
    await this.whenUp("Matchmaking (Redis)");
    if (this.epoch === 0) return;
    const wait = this.readyAt + SETTLE_MS - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    this.assertUp("Matchmaking (Redis)");
  }

  /** Up now, or within `timeoutMs`; otherwise the caller is told to try again. */
  async whenUp(what?: string, timeoutMs = JOIN_WAIT_MS): Promise<void> {
    if (this.up) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.client.off("ready", done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.client.on("ready", done);
    });
    this.assertUp(what);
  }

  async ready(): Promise<void> {
    if (this.up) return;
    await new Promise<void>((resolve, reject) => {
      const onReady = () => {
        this.client.off("end", onEnd);
        resolve();
      };
      const onEnd = () => {
        this.client.off("ready", onReady);
        reject(new RedisUnavailableError());
      };
      this.client.once("ready", onReady);
      this.client.once("end", onEnd);
    });
  }

  async close(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}
