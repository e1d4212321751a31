import { ClientState, ServerError } from "@colyseus/core";
import type { Metrics } from "../metrics/metrics.js";
import { AppError } from "../util/errors.js";
import type { Logger } from "../util/logger.js";
import type { ZoneClient, ZoneServices } from "./ZoneServices.js";

/** A join queued this long is logged with its place in the queue (once). */
const TELL_AFTER_MS = 1000;
/** Unused admissions carry over for up to this many tick intervals (a late timer's share). */
const CARRY_TICKS = 2;

/** More joins are waiting than the process lets wait: come back later (503, as for a service that is busy). */
export class JoinQueueFullError extends AppError {
  constructor(retrySeconds: number) {
    super("server_busy", 503, `server busy: join queue full, retry in ${retrySeconds} s`);
  }
}

export interface AdmissionLimits {
  /** Joins that start their heavy work per tick interval. */
  perTick: number;
  /** Joins that may wait; one more is refused at once. */
  queueMax: number;
  /** Tick intervals per second. */
  tickRate: number;
}

interface Waiting {
  name: string;
  since: number;
  told: boolean;
  gone: () => boolean;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * The gate a join passes after its client connected and before its heavy work
 * (custody's lease and claim, the character load, entering the world and the
 * first full state): joins start at `perTick` per tick interval, the rest
 * wait in arrival order, and past `queueMax` waiting a join is refused at once.
 *
 * The allowance accrues with time (a token bucket: `perTick` per interval,
 * holding at most `CARRY_TICKS` intervals' worth), not per firing of the
 * timer. A busy event loop fires the timer late; counting per firing made the
 * gate admit fewer joins per second exactly when the process was busy, so the
 * queue (and every queued join's wait) grew from a load it could carry.
 *
 * One gate per process, not per room: what a burst of joins exhausts is the
 * process's one thread (first states, entering the world) and its database
 * connection, which all its rooms share; a gate per room would let ten busy
 * districts admit ten times as much. Colyseus clears the seat reservation's
 * expiry when the client connects (before `onJoin`), so a queued join cannot
 * lose its seat; a client that closes while queued is dropped without taking
 * a slot.
 *
 * A queued client cannot be told its place: until `onJoin` returns Colyseus
 * holds every message to that client (and the SDK has no room to deliver it
 * to), so the place is in the log and `mxo_join_queue_length`.
 */
export class JoinAdmission {
  private readonly queue: Waiting[] = [];
  /** Joins that may start now; `perTick` more each tick interval. */
  private allowance: number;
  private accruedAt = performance.now();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly limits: AdmissionLimits,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {
    this.allowance = limits.perTick;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** Resolves when the join may start its heavy work; throws at once if the queue is full. */
  admit(name: string, gone: () => boolean): Promise<void> {
    this.accrue(performance.now());
    if (this.queue.length === 0 && this.allowance >= 1) {
      this.allowance--;
      this.metrics.joinAdmissionWait.observe(0);
      this.run();
      return Promise.resolve();
    }
    if (this.queue.length >= this.limits.queueMax) {
      this.metrics.joinQueueRefusals.inc();
      this.log.warn({ character: name, queued: this.queue.length }, "join refused: join queue full");
      return Promise.reject(new JoinQueueFullError(this.retrySeconds()));
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ name, since: performance.now(), told: false, gone, resolve, reject });
      this.metrics.joinQueue.set(this.queue.length);
      this.run();
    });
  }

  /** How long the whole queue takes to drain at the admission rate, rounded up (at least 1 s). */
  private retrySeconds(): number {
    return Math.max(1, Math.ceil(this.queue.length / (this.limits.perTick * this.limits.tickRate)));
  }

  /** The interval runs while joins are being started or wait; an idle process has no timer. */
  private run(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.nextTick(), 1000 / this.limits.tickRate);
    this.timer.unref();
  }

  /**
   * Adds `perTick` for each whole tick interval since the last accrual. Whole
   * intervals, with a tenth of one to spare: a timer may fire a fraction of a
   * millisecond before its interval has passed by this clock.
   */
  private accrue(now: number): void {
    const interval = 1000 / this.limits.tickRate;
    const ticks = Math.floor((now - this.accruedAt) / interval + 0.1);
    if (ticks <= 0) return;
    const most = this.limits.perTick * CARRY_TICKS;
    this.allowance = Math.min(most, this.allowance + ticks * this.limits.perTick);
    this.accruedAt = this.allowance >= most ? now : this.accruedAt + ticks * interval;
  }

  private nextTick(): void {
    const now = performance.now();
    this.accrue(now);
    // Nothing waits and the allowance is whole again: the timer can stop.
    const idle = this.queue.length === 0 && this.allowance >= this.limits.perTick;
    while (this.queue.length > 0 && this.allowance >= 1) {
      const w = this.queue.shift()!;
      // A client that left while queued takes no slot; Colyseus ends its join when onJoin throws.
      if (w.gone()) {
        w.reject(new ServerError(4002, "left while queued"));
        continue;
      }
      this.allowance--;
      this.metrics.joinAdmissionWait.observe((now - w.since) / 1000);
      w.resolve();
    }
    this.metrics.joinQueue.set(this.queue.length);
    this.tellLongWaits(now);
    if (idle && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private tellLongWaits(now: number): void {
    // Oldest first: the first one not waiting long enough ends the look.
    for (let i = 0; i < this.queue.length; i++) {
      const w = this.queue[i]!;
      if (now - w.since < TELL_AFTER_MS) return;
      if (w.told) continue;
      w.told = true;
      this.log.info({ character: w.name, position: i + 1, queued: this.queue.length }, "join still queued");
    }
  }
}

const gates = new WeakMap<ZoneServices, JoinAdmission>();

/** The process's gate (one per set of zone services, which the process builds once). */
export function joinAdmission(s: ZoneServices): JoinAdmission {
  let gate = gates.get(s);
  if (!gate) {
    const limits = { perTick: s.config.joinAdmitPerTick, queueMax: s.config.joinQueueMax };
    gate = new JoinAdmission({ ...limits, tickRate: s.config.tickRate }, s.metrics, s.log);
    gates.set(s, gate);
  }
  return gate;
}

/** Whether a joining client is gone (closed its socket while its join waited). */
export function clientGone(client: ZoneClient): boolean {
  return client.state === ClientState.LEAVING || client.state === ClientState.CLOSED;
}
