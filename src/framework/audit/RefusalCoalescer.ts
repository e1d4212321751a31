import type { AuditEntry } from "./AuditLog.js";

export interface CoalescingPolicy {
  /** One window per actor, opened by its first refusal. */
  windowMs: number;
  /** Refusals per window written as records of their own; the rest are counted. */
  fullPerWindow: number;
  /** Distinct actions counted apart per window; more fall under "(other)". */
  maxKinds: number;
}

export const DEFAULT_COALESCING: CoalescingPolicy = { windowMs: 10_000, fullPerWindow: 5, maxKinds: 50 };

/** The action of the record that stands for the refusals a window counted. */
export const COALESCED_ACTION = "audit.refusals";

interface Window {
  full: number;
  count: number;
  from: number;
  to: number;
  byAction: Map<string, number>;
  last: AuditEntry;
  timer: NodeJS.Timeout;
}

/**
 * Keeps refused attempts from flooding the audit log (and its one chain lock)
 * while still accounting for each: per actor and window, the first few are
 * written in full, every further one is counted by action, and one record
 * with the count closes the window. A player hammering `gm` costs at most
 * `fullPerWindow + 1` records per window.
 */
export class RefusalCoalescer {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly write: (entry: AuditEntry) => Promise<unknown>,
    private readonly policy: CoalescingPolicy = DEFAULT_COALESCING,
  ) {}

  /** Resolves once the refusal is written, or at once when it was counted. */
  async record(entry: AuditEntry): Promise<void> {
    const w = this.windowOf(entry);
    if (w.full < this.policy.fullPerWindow) {
      w.full++;
      await this.write(entry);
      return;
    }
    this.count(w, entry.action, 1);
    w.to = Date.now();
    w.last = entry;
  }

  /** Writes every open window's count now (at shutdown). */
  async drain(): Promise<void> {
    await Promise.all([...this.windows.keys()].map((key) => this.close(key)));
  }

  private windowOf(entry: AuditEntry): Window {
    const key = keyOf(entry);
    let w = this.windows.get(key);
    if (!w) {
      const now = Date.now();
      w = {
        full: 0,
        count: 0,
        from: now,
        to: now,
        byAction: new Map(),
        last: entry,
        timer: setTimeout(() => void this.close(key), this.policy.windowMs),
      };
      w.timer.unref();
      this.windows.set(key, w);
    }
    return w;
  }

  private count(w: Window, action: string, n: number): void {
    const kind = w.byAction.has(action) || w.byAction.size < this.policy.maxKinds ? action : "(other)";
    w.byAction.set(kind, (w.byAction.get(kind) ?? 0) + n);
    w.count += n;
  }

  private async close(key: string): Promise<void> {
    const w = this.windows.get(key);
    if (!w) return;
    clearTimeout(w.timer);
    this.windows.delete(key);
    if (w.count === 0) return;
    try {
      await this.write({
        actorId: w.last.actorId,
        actor: w.last.actor,
        action: COALESCED_ACTION,
        target: null,
        args: { byAction: Object.fromEntries(w.byAction) },
        newValue: { count: w.count, from: new Date(w.from).toISOString(), to: new Date(w.to).toISOString() },
        result: "refused",
        message: `${w.count} further refused attempts by ${w.last.actor} counted, not written one by one`,
        via: w.last.via,
        ip: w.last.ip ?? null,
        userAgent: w.last.userAgent ?? null,
      });
    } catch {
      // Not lost: carried into the actor's next window, written when that one closes.
      const next = this.windowOf(w.last);
      next.from = Math.min(next.from, w.from);
      for (const [action, n] of w.byAction) this.count(next, action, n);
    }
  }
}

function keyOf(entry: AuditEntry): string {
  return entry.actorId ?? `name:${entry.actor}`;
}
