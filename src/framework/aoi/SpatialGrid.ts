/** One tracked entity; the grid's buckets hold these directly so a range query reads positions without a lookup. */
export interface GridEntry {
  readonly id: string;
  readonly x: number;
  readonly y: number;
  /**
   * Free for the grid's user: a number it may stamp on the entry during a
   * query (InterestManager marks "in this view" with it, instead of a
   * string-keyed lookup per neighbour). The grid never reads it.
   */
  mark: number;
}

interface Entry extends GridEntry {
  x: number;
  y: number;
  cell: number;
  /** Index inside its cell's bucket (swap-remove keeps buckets dense). */
  slot: number;
}

/**
 * Uniform grid over a district: entities bucketed by cell, so a range query
 * touches only the cells the circle overlaps instead of every entity.
 */
export class SpatialGrid {
  private readonly cells = new Map<number, Entry[]>();
  private readonly where = new Map<string, Entry>();

  constructor(readonly cellSize: number) {
    if (!(cellSize > 0)) throw new Error("cellSize must be positive");
  }

  private key(cx: number, cy: number): number {
    // Cells are small integers (districts are a few thousand units across):
    // one number key avoids a string allocation per lookup.
    return (cx + 32768) * 65536 + (cy + 32768);
  }

  private cellOf(x: number, y: number): number {
    return this.key(Math.floor(x / this.cellSize), Math.floor(y / this.cellSize));
  }

  private unlink(e: Entry): void {
    const bucket = this.cells.get(e.cell)!;
    const last = bucket.pop()!;
    if (last !== e) {
      bucket[e.slot] = last;
      last.slot = e.slot;
    }
    if (bucket.length === 0) this.cells.delete(e.cell);
  }

  private link(e: Entry): void {
    let bucket = this.cells.get(e.cell);
    if (!bucket) {
      bucket = [];
      this.cells.set(e.cell, bucket);
    }
    e.slot = bucket.length;
    bucket.push(e);
  }

  /** Inserts or moves an entity; only a cell change touches the buckets. */
  set(id: string, x: number, y: number): void {
    const cell = this.cellOf(x, y);
    const prev = this.where.get(id);
    if (prev) {
      prev.x = x;
      prev.y = y;
      if (prev.cell === cell) return;
      this.unlink(prev);
      prev.cell = cell;
      this.link(prev);
      return;
    }
    const e: Entry = { id, x, y, cell, slot: 0, mark: 0 };
    this.where.set(id, e);
    this.link(e);
  }

  delete(id: string): void {
    const prev = this.where.get(id);
    if (!prev) return;
    this.unlink(prev);
    this.where.delete(id);
  }

  position(id: string): { readonly x: number; readonly y: number } | undefined {
    return this.where.get(id);
  }

  /** The live entry of an entity (its position and user mark), if tracked. */
  entry(id: string): GridEntry | undefined {
    return this.where.get(id);
  }

  get size(): number {
    return this.where.size;
  }

  /** Calls `fn(id, distanceSquared)` for every entity within `radius` of (x, y), exactly. */
  forEachWithin(x: number, y: number, radius: number, fn: (id: string, d2: number) => void): void {
    this.forEachEntryWithin(x, y, radius, (e, d2) => fn(e.id, d2));
  }

  /** Like `forEachWithin`, handing out the entries themselves. */
  forEachEntryWithin(x: number, y: number, radius: number, fn: (entry: GridEntry, d2: number) => void): void {
    const r2 = radius * radius;
    const minX = Math.floor((x - radius) / this.cellSize);
    const maxX = Math.floor((x + radius) / this.cellSize);
    const minY = Math.floor((y - radius) / this.cellSize);
    const maxY = Math.floor((y + radius) / this.cellSize);
    for (let cx = minX; cx <= maxX; cx++) {
      for (let cy = minY; cy <= maxY; cy++) {
        const bucket = this.cells.get(this.key(cx, cy));
        if (!bucket) continue;
        for (let i = 0; i < bucket.length; i++) {
          const p = bucket[i]!;
          const dx = p.x - x;
          const dy = p.y - y;
          const d2 = dx * dx + dy * dy;
          if (d2 <= r2) fn(p, d2);
        }
      }
    }
  }

  within(x: number, y: number, radius: number): string[] {
    const out: string[] = [];
    this.forEachWithin(x, y, radius, (id) => out.push(id));
    return out;
  }
}
