import { LocalDriver, LocalPresence, matchMaker, type Presence } from "@colyseus/core";
import type { Config } from "../config/config.js";
import { RedisLink } from "../cluster/RedisLink.js";
import { SettlingDriver } from "../cluster/SettlingDriver.js";
import type { Logger } from "../util/logger.js";

export interface ClusterPresence {
  presence: Presence;
  driver: matchMaker.MatchMakerDriver;
  /** Set when REDIS_URL is: the shared connection and its health. */
  redis?: RedisLink;
}

/**
 * In-process presence and matchmaker driver by default; Redis for both when
 * REDIS_URL is set, so rooms and seat reservations span processes.
 */
export async function createPresence(config: Config, log: Logger): Promise<ClusterPresence> {
  if (!config.redisUrl) return { presence: new LocalPresence(), driver: new LocalDriver() };
  const [{ RedisPresence }, { RedisDriver }] = await Promise.all([
    import("@colyseus/redis-presence"),
    import("@colyseus/redis-driver"),
  ]);
  const redis = new RedisLink(config.redisUrl, (err) => log.warn({ err: err.message }, "redis connection"));
  await redis.ready();
  // Redis restarts empty: this process's rooms and its load figure must be
  // listed again, or matchmaking forgets rooms that still run (their players
  // keep playing, new joins would start second instances beside them).
  redis.onRestored(async () => {
    await matchMaker.stats.persist(true);
    await matchMaker.restoreMissingRoomCaches();
    log.warn({ rooms: matchMaker.stats.local.roomCount }, "redis is back: rooms registered again");
  });
  return {
    presence: new RedisPresence(redis.client),
    driver: new SettlingDriver(new RedisDriver(redis.client), redis),
    redis,
  };
}
