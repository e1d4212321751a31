import { LocalDriver, LocalPresence, type matchMaker, type Presence } from "@colyseus/core";
import type { Config } from "../config/config.js";

/**
 * In-process presence and matchmaker driver by default; Redis for both when
 * REDIS_URL is set, so rooms and seat reservations span processes.
 */
export async function createPresence(
  config: Config,
): Promise<{ presence: Presence; driver: matchMaker.MatchMakerDriver }> {
  if (!config.redisUrl) return { presence: new LocalPresence(), driver: new LocalDriver() };
  const [{ RedisPresence }, { RedisDriver }] = await Promise.all([
    import("@colyseus/redis-presence"),
    import("@colyseus/redis-driver"),
  ]);
  return { presence: new RedisPresence(config.redisUrl), driver: new RedisDriver(config.redisUrl) };
}
