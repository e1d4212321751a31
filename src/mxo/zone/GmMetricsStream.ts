import { matchMaker } from "@colyseus/core";
import type { DistrictContext } from "./DistrictContext.js";

/**
 * The once-a-second figures a GM's console shows for a room (`gm:metrics`):
 * tick times since the last message, players, NPCs, memory, content revision.
 */
export class GmMetricsStream {
  private readonly watchers = new Set<string>();
  private window = { count: 0, total: 0, max: 0 };

  subscribe(sessionId: string): void {
    this.watchers.add(sessionId);
  }

  unsubscribe(sessionId: string): void {
    this.watchers.delete(sessionId);
  }

  /** One tick took this long (seconds). */
  recordTick(seconds: number): void {
    this.window.count++;
    this.window.total += seconds;
    this.window.max = Math.max(this.window.max, seconds);
  }

  send(ctx: DistrictContext): void {
    const w = this.window;
    this.window = { count: 0, total: 0, max: 0 };
    if (this.watchers.size === 0) return;
    const mem = process.memoryUsage();
    const figures = {
      at: Date.now(),
      processId: matchMaker.processId,
      roomId: ctx.roomId,
      district: ctx.def.id,
      players: ctx.members.size,
      npcs: ctx.state.npcs.size,
      processRooms: ctx.services.rooms.size,
      ticks: w.count,
      tickMeanMs: w.count ? (w.total / w.count) * 1000 : 0,
      tickMaxMs: w.max * 1000,
      rssMb: Math.round(mem.rss / 1048576),
      heapUsedMb: Math.round(mem.heapUsed / 1048576),
      contentRevision: ctx.contentRevision,
    };
    for (const id of this.watchers) {
      const client = ctx.client(id);
      if (client) client.send("gm:metrics", figures);
      else this.watchers.delete(id);
    }
  }
}
