import { randomUUID } from "node:crypto";
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
 * Readiness of presence as processes use it: a message this process
 * publishes comes back through its own subscription. With Redis the
 * subscriber is a connection of its own that reconnects on its own backoff
 * and then subscribes again, seconds after the shared connection answers;
 * until it has, what other processes publish (chat, kicks, deploys) does not
 * reach this one, so the process is not ready.
 */
export class PresenceProbe {
  private readonly waiting = new Map<string, () => void>();
  private readonly channel = `mxo:ready:${randomUUID()}`;

  constructor(private readonly presence: Presence) {}

  async start(): Promise<void> {
    await this.presence.subscribe(this.channel, (nonce: string) => this.waiting.get(nonce)?.());
  }

  async check(timeoutMs = 1000): Promise<void> {
    const nonce = randomUUID();
    const heard = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(nonce);
        reject(new Error("presence messages do not come back yet"));
      }, timeoutMs);
      this.waiting.set(nonce, () => {
        clearTimeout(timer);
        this.waiting.delete(nonce);
        resolve();
      });
    });
    heard.catch(() => {});
    await this.presence.publish(this.channel, nonce);
    await heard;
  }

  async close(): Promise<void> {
    await this.presence.unsubscribe(this.channel);
  }
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
