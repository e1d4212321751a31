import type { GameEventStore } from "../persistence/ports/GameEventStore.js";
import type { Metrics } from "../metrics/metrics.js";
import type { Logger } from "../util/logger.js";

/** What the analytics record (issue #7 point 3). */
export const GAME_EVENT_KINDS = [
  "login",
  "level_up",
  "mission_complete",
  "item_acquired",
  "currency_earned",
  "pvp_result",
  "death",
  "trade",
  "purchase",
  "sale",
] as const;
export type GameEventKind = (typeof GAME_EVENT_KINDS)[number];

export interface GameEventRecord {
  kind: GameEventKind;
  accountId?: string | undefined;
  characterId?: string | undefined;
  district?: string | undefined;
  /** Levels reached, quantity acquired, currency earned… */
  amount?: number | undefined;
  data?: Record<string, unknown>;
  /** Defaults to now. */
  at?: Date;
}

/** Flush when this many are waiting, or every FLUSH_MS. */
const BATCH = 500;
const FLUSH_MS = 1000;
/** Beyond this many unsaved events (the database is down), the oldest are dropped and counted. */
const MAX_BUFFERED = 50_000;

/**
 * Game events for analytics. `record` only appends to a buffer (ticks never
 * wait on it); a timer writes batches, each in one statement. A failed write
 * keeps its events for the next attempt, up to a cap; `drain` writes what is
 * left at shutdown.
 */
export class GameEvents {
  private buffer: GameEventRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: GameEventStore,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {
    this.timer = setInterval(() => void this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  record(e: GameEventRecord): void {
    this.metrics.gameEvents.inc({ kind: e.kind });
    this.buffer.push({ ...e, at: e.at ?? new Date() });
    if (this.buffer.length > MAX_BUFFERED) {
      const dropped = this.buffer.length - MAX_BUFFERED;
      this.buffer.splice(0, dropped);
      this.metrics.gameEventsDropped.inc(dropped);
    }
    if (this.buffer.length >= BATCH) void this.flush();
  }

  /** Writes everything buffered so far (serialized with other flushes). */
  flush(): Promise<void> {
    this.writing = this.writing.then(() => this.writeBatches());
    return this.writing;
  }

  async drain(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  private async writeBatches(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, BATCH);
      try {
        await this.store.append(
          batch.map((e) => ({
            at: e.at!,
            kind: e.kind,
            accountId: e.accountId ?? null,
            characterId: e.characterId ?? null,
            district: e.district ?? null,
            amount: e.amount ?? null,
            data: e.data ?? {},
          })),
        );
      } catch (err) {
        // Back to the front, in order; the next flush tries again.
        this.buffer.unshift(...batch);
        this.log.warn({ err, pending: this.buffer.length }, "game events not written; will retry");
        return;
      }
    }
  }
}
