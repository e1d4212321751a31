/**
 * A load test's life, whichever display it has: progress lines while it
 * runs, the ramp's end (every bot started) which starts the `--duration`
 * clock, and the end: every room left, the summary written.
 */
import type { MainCallback } from "@colyseus/loadtest";
import type { Bots } from "./bot.js";
import type { Accounts } from "./accounts.js";
import type { LoadtestOptions } from "./options.js";
import type { Log, PlainFile } from "./report.js";
import { clock, counters, progressLine, summary, type Summary } from "./stats.js";

export class Run {
  private settled = 0;
  private ending = false;
  private readonly progressTimer: NodeJS.Timeout;
  private resolveEnded!: (summary: Summary) => void;
  /** Resolves with the summary once the run has ended, whatever ended it (`--duration`, a signal). */
  readonly ended = new Promise<Summary>((resolve) => (this.resolveEnded = resolve));

  constructor(
    readonly options: LoadtestOptions,
    private readonly bots: Bots,
    private readonly accounts: Accounts,
    private readonly log: Log,
    private readonly file: PlainFile | undefined,
  ) {
    file?.write("info", `options ${JSON.stringify(options)}`);
    // Stopped without `end` (the dashboard's q, Ctrl-C or a kill): the file still gets the figures so far.
    process.once("exit", () => {
      if (!this.ending) file?.write("info", `summary ${JSON.stringify(this.snapshot())}`);
    });
    this.progressTimer = setInterval(
      () => this.log.progress(progressLine(options)),
      options.progressIntervalSeconds * 1000,
    );
  }

  /**
   * The scenario as @colyseus/loadtest's callback: it starts bots one after
   * another, awaiting each; the first `numClients` to settle (joined or
   * failed) make the ramp.
   */
  readonly main: MainCallback = async (run) => {
    try {
      await this.bots.start(run);
    } catch (err) {
      counters.failed++;
      throw err;
    } finally {
      if (++this.settled === this.options.numClients) this.rampEnded();
    }
  };

  /** The summary so far, for a run stopped without `end`. */
  snapshot(): Summary {
    clock.finished ??= Date.now();
    return summary(this.options, counters.active);
  }

  /** Ends the run (once): leaves every room, saves the accounts; `ended` then resolves. */
  end(reason: string): Promise<Summary> {
    if (!this.ending) {
      this.ending = true;
      void this.finish(reason).then(this.resolveEnded);
    }
    return this.ended;
  }

  private rampEnded(): void {
    // Stopped during the ramp: the bots not started yet settle at once, and there is no run after it.
    if (this.ending) return;
    clock.rampEnded = Date.now();
    const { numClients, durationSeconds } = this.options;
    const took = ((clock.rampEnded - clock.started) / 1000).toFixed(1);
    this.log.progress(
      `ramp done in ${took} s: ${counters.joined} of ${numClients} bots joined, ${counters.failed} failed; ` +
        (durationSeconds > 0 ? `running for ${durationSeconds} s` : "running until stopped"),
    );
    if (durationSeconds > 0) setTimeout(() => void this.end("duration reached"), durationSeconds * 1000);
  }

  private async finish(reason: string): Promise<Summary> {
    clock.finished = Date.now();
    clearInterval(this.progressTimer);
    this.bots.finishing = true;
    const active = counters.active;
    this.log.progress(`${reason}: leaving ${this.bots.rooms.size} rooms`);
    const settle = (promises: Promise<unknown>[]) =>
      Promise.race([Promise.allSettled(promises), new Promise((resolve) => setTimeout(resolve, 5000))]);
    // An HTTP set-up aborted halfway is needless noise on the server.
    await settle(this.accounts.inFlight());
    // Leaving consented frees each character at once, instead of the server
    // holding it for reconnection.
    await settle([...this.bots.rooms].map((room) => room.leave(true)));
    this.accounts.save();
    const result = summary(this.options, active);
    this.file?.write("info", `summary ${JSON.stringify(result)}`);
    return result;
  }
}
