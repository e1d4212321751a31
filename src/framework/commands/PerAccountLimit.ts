import { TokenBucket } from "../messaging/TokenBucket.js";

/** Accounts tracked before the map is started afresh (a bucket left behind only forgets a burst). */
const MAX_ACCOUNTS = 10_000;

/** A token bucket per account: `perSecond` sustained, bursts up to `burst`. */
export class PerAccountLimit {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {}

  admit(accountId: string, now = Date.now()): boolean {
    let bucket = this.buckets.get(accountId);
    if (!bucket) {
      if (this.buckets.size >= MAX_ACCOUNTS) this.buckets.clear();
      bucket = new TokenBucket(this.perSecond, this.burst, now);
      this.buckets.set(accountId, bucket);
    }
    return bucket.take(now);
  }
}
