import type { IRoomCache, matchMaker, SortOptions } from "@colyseus/core";
import { isServiceFault } from "../util/faults.js";
import { RedisUnavailableError, type RedisLink } from "./RedisLink.js";

type Driver = matchMaker.MatchMakerDriver;

/**
 * The Redis matchmaker driver, made safe across a Redis restart. A restarted
 * Redis has no room listings until every process registers its rooms again;
 * a join in that gap would find its district empty and start a second
 * instance of a district that still runs. Listing queries therefore wait
 * until the link has settled, and a query that straddled a reconnection is
 * asked again. While Redis is down they fail at once.
 */
export class SettlingDriver implements Driver {
  constructor(
    private readonly inner: Driver,
    private readonly link: RedisLink,
  ) {}

  has(roomId: string) {
    return this.inner.has(roomId);
  }

  async query(conditions: Partial<IRoomCache>, sortOptions?: SortOptions): Promise<IRoomCache[]> {
    return this.settledRead(() => this.inner.query(conditions, sortOptions));
  }

  findOne(conditions: Partial<IRoomCache>, sortOptions?: SortOptions): Promise<IRoomCache> {
    // A lookup by id does not depend on the listing being complete.
    if (conditions.roomId !== undefined) return this.inner.findOne(conditions, sortOptions);
    return this.settledRead(() => this.inner.findOne(conditions, sortOptions));
  }

  findByIds(roomIds: string[]) {
    return this.inner.findByIds(roomIds);
  }

  cleanup(processId: string) {
    return this.inner.cleanup?.(processId) ?? Promise.resolve();
  }

  remove(roomId: string) {
    return this.inner.remove(roomId);
  }

  update(room: IRoomCache, operations: Parameters<Driver["update"]>[1]) {
    return this.inner.update(room, operations);
  }

  persist(room: IRoomCache, create?: boolean) {
    return this.inner.persist(room, create);
  }

  clear() {
    return this.inner.clear();
  }

  async boot() {
    await this.inner.boot?.();
  }

  /** The connection belongs to the RedisLink, which closes it last. */
  shutdown() {}

  private async settledRead<T>(read: () => T | Promise<T>): Promise<T> {
    await this.link.settled();
    const epoch = this.link.epoch;
    try {
      const result = await read();
      if (this.link.epoch === epoch) return result;
      await this.link.settled();
      return await read();
    } catch (err) {
      // Redis went away under the read: a join is told to try again (503), not a bare 500.
      if (isServiceFault(err)) throw new RedisUnavailableError("Matchmaking (Redis)");
      throw err;
    }
  }
}
