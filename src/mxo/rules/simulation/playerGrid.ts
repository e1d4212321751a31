import type { Bounds } from "../../../framework/movement.js";
import type { NpcTargetView } from "../npc/types.js";

/** Cell side in world units: about the largest aggro radius, so a search looks at 4 cells or fewer. */
const CELL = 32;
/** Slack on a search's reach, so rounding in the distance can never leave out a player at the edge. */
const SLACK = 1;

/**
 * The players an NPC looking for a target sees, bucketed by position once a
 * step, so that each idle NPC reads the few cells around it instead of every
 * player in the district (at 1,000 players that scan was most of the step).
 * Built on the first search after `invalidate`, as linked lists in typed
 * arrays over the district's bounds: a build allocates nothing once sized.
 * Players are numbered in the map's order and a search returns them in it,
 * so ties break exactly as a scan of the whole map would.
 */
export class PlayerGrid {
  private source: ReadonlyMap<string, NpcTargetView> | undefined;
  private bounds: Bounds = { minX: 0, minY: 0, maxX: 0, maxY: 0 };
  private cols = 0;
  private rows = 0;
  /** First player (by number) of each cell, -1 when empty; `next` chains the rest. */
  private head = new Int32Array(0);
  private next = new Int32Array(0);
  /** Player number → its map entry, kept from build to build while the same player holds that number. */
  private pairs: [string, NpcTargetView][] = [];
  private found: number[] = [];
  private readonly out: [string, NpcTargetView][] = [];

  /** The positions moved (a new step): the next search rebuilds from `players`. */
  invalidate(players: ReadonlyMap<string, NpcTargetView>, bounds: Bounds): void {
    this.source = players;
    if (bounds !== this.bounds) {
      this.bounds = bounds;
      this.cols = Math.max(1, Math.ceil((bounds.maxX - bounds.minX) / CELL));
      this.rows = Math.max(1, Math.ceil((bounds.maxY - bounds.minY) / CELL));
      this.head = new Int32Array(this.cols * this.rows);
    }
  }

  /**
   * Every player within `radius` of (x, y), and maybe a few beyond, in the
   * players map's order. The array is reused by the next call: read it at once.
   */
  near(x: number, y: number, radius: number): readonly [string, NpcTargetView][] {
    if (this.source) this.build(this.source);
    const found = this.found;
    found.length = 0;
    const r = radius + SLACK;
    const x0 = this.col(x - r);
    const x1 = this.col(x + r);
    const y0 = this.row(y - r);
    const y1 = this.row(y + r);
    for (let cy = y0; cy <= y1; cy++) {
      for (let cx = x0; cx <= x1; cx++) {
        for (let i = this.head[cy * this.cols + cx]!; i !== -1; i = this.next[i]!) found.push(i);
      }
    }
    if (found.length > 1) found.sort(ascending);
    const out = this.out;
    out.length = found.length;
    for (let k = 0; k < found.length; k++) out[k] = this.pairs[found[k]!]!;
    return out;
  }

  private build(players: ReadonlyMap<string, NpcTargetView>): void {
    this.source = undefined;
    this.head.fill(-1);
    if (this.next.length < players.size) this.next = new Int32Array(players.size * 2);
    const pairs = this.pairs;
    let i = 0;
    for (const [id, target] of players) {
      const known = pairs[i];
      if (!known || known[0] !== id || known[1] !== target) pairs[i] = [id, target];
      const c = this.row(target.y) * this.cols + this.col(target.x);
      this.next[i] = this.head[c]!;
      this.head[c] = i;
      i++;
    }
    pairs.length = i;
  }

  /** Column of an x; outside the bounds (or NaN), the edge's: a query clamps alike, so nothing is missed. */
  private col(x: number): number {
    const c = Math.floor((x - this.bounds.minX) / CELL);
    return !(c > 0) ? 0 : c >= this.cols ? this.cols - 1 : c;
  }

  private row(y: number): number {
    const r = Math.floor((y - this.bounds.minY) / CELL);
    return !(r > 0) ? 0 : r >= this.rows ? this.rows - 1 : r;
  }
}

function ascending(a: number, b: number): number {
  return a - b;
}
