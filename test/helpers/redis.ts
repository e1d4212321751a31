import { Redis } from "ioredis";

export const REDIS_BASE_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/**
 * A Redis logical database of the test's own (presence and driver keys are not
 * prefixable, so isolation is by DB index), flushed before and after use.
 */
export async function useRedisDatabase(): Promise<{ url: string; flush(): Promise<void> }> {
  const index = 8 + Math.floor(Math.random() * 8);
  const url = `${REDIS_BASE_URL}/${index}`;
  const flush = async () => {
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      await redis.flushdb();
    } finally {
      redis.disconnect();
    }
  };
  await flush();
  return { url, flush };
}
