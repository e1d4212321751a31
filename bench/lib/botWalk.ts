/**
 * The bots' walking: each sends `inputsPerSecond` inputs a second steering
 * round a circle, one lap every `lapSeconds`, from its own phase.
 */
import type { Bot } from "./bot.js";

/** Read at every timer slot, so a worker's next join (new bots, rates) takes effect at once. */
export interface Walk {
  bots: Bot[];
  inputsPerSecond: number;
  lapSeconds: number;
}

const BUCKETS = 10;

/**
 * Ten buckets per input period, one bucket per timer slot, so sends are
 * spread evenly; a late timer catches up instead of dropping inputs.
 */
export function startWalking(walk: Walk): NodeJS.Timeout {
  let bucketClock = 0;
  let nextBucketAt = 0;
  return setInterval(() => {
    const period = 1000 / walk.inputsPerSecond;
    const now = performance.now();
    if (nextBucketAt === 0) nextBucketAt = now;
    let guard = 0;
    while (now >= nextBucketAt && guard++ < BUCKETS * 5) {
      const b = bucketClock++ % BUCKETS;
      for (let i = b; i < walk.bots.length; i += BUCKETS) {
        const bot = walk.bots[i]!;
        if (bot.closed) continue;
        const t = (bot.seq + 1) / walk.inputsPerSecond;
        const angle = bot.phase + (2 * Math.PI * t) / walk.lapSeconds;
        bot.sendInput(Math.cos(angle), Math.sin(angle));
      }
      nextBucketAt += period / BUCKETS;
    }
  }, 5);
}
