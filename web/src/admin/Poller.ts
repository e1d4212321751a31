/**
 * Runs `task` every `everyMs` while started, one run at a time (a slow
 * server never gets overlapping calls), and skips runs while the browser tab
 * is hidden.
 */
export class Poller {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly task: () => Promise<void>,
    private readonly everyMs: number,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.tick();
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
  }

  /** Runs now (e.g. after a change the user made); joins a run already under way. */
  now(): Promise<void> {
    this.inFlight ??= this.task()
      .catch(() => undefined) // the task shows its own errors
      .finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async tick(): Promise<void> {
    if (!this.running) return;
    if (!document.hidden) await this.now();
    if (this.running) this.timer = setTimeout(() => void this.tick(), this.everyMs);
  }
}
