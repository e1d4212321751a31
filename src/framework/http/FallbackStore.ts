import { MemoryStore, type IncrementResponse, type Options, type Store } from "express-rate-limit";

/**
 * A rate-limit store shared through Redis that falls back to counting in this
 * process while Redis cannot answer: a Redis outage must not turn every
 * rate-limited route (login first) into a 500. Counts kept meanwhile are
 * per process, so the limit is looser for that time, never absent.
 */
export class FallbackStore implements Store {
  private readonly local = new MemoryStore();
  prefix?: string;

  constructor(
    private readonly shared: Store,
    private readonly sharedUp: () => boolean,
  ) {
    this.prefix = shared.prefix;
  }

  async init(options: Options): Promise<void> {
    this.local.init(options);
    await this.shared.init?.(options);
  }

  async increment(key: string): Promise<IncrementResponse> {
    if (this.sharedUp()) {
      try {
        return await this.shared.increment(key);
      } catch {
        // Redis went away under this request: count it here instead.
      }
    }
    return this.local.increment(key);
  }

  async decrement(key: string): Promise<void> {
    await this.local.decrement(key);
    if (this.sharedUp()) await Promise.resolve(this.shared.decrement(key)).catch(() => {});
  }

  async resetKey(key: string): Promise<void> {
    await this.local.resetKey(key);
    if (this.sharedUp()) await Promise.resolve(this.shared.resetKey(key)).catch(() => {});
  }

  shutdown(): void {
    this.local.shutdown();
  }
}
