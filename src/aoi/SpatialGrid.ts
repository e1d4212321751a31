/**
 * Uniform grid over a district: entity ids bucketed by cell, so a range query
 * touches only the cells the circle overlaps instead of every entity.
 */
export class SpatialGrid {
  private readonly cells = new Map<number, Set<string>>();
  private readonly where = new Map<string, { x: number; y: number; cell: number }>();

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

  /** Inserts or moves an entity; only a cell change touches the buckets. */
  set(id: string, x: number, y: number): void {
    const cell = this.cellOf(x, y);
    const prev = this.where.get(id);
    if (prev) {
      prev.x = x;
      prev.y = y;
      if (prev.cell === cell) return;
      this.cells.get(prev.cell)?.delete(id);
      prev.cell = cell;
    } else {
      this.where.set(id, { x, y, cell });
    }
    let bucket = this.cells.get(cell);
    if (!bucket) {
      bucket = new Set();
      this.cells.set(cell, bucket);
    }
    bucket.add(id);
  }

  delete(id: string): void {
    const prev = this.where.get(id);
    if (!prev) return;
    const bucket = this.cells.get(prev.cell);
    bucket?.delete(id);
    if (bucket && bucket.size === 0) this.cells.delete(prev.cell);
    this.where.delete(id);
  }

  position(id: string): { x: number; y: number } | undefined {
    return this.where.get(id);
  }

  get size(): number {
    return this.where.size;
  }

  /** Calls `fn(id, distanceSquared)` for every entity within `radius` of (x, y), exactly. */
  forEachWithin(x: number, y: number, radius: number, fn: (id: string, d2: number) => void): void {
    const r2 = radius * radius;
    const minX = Math.floor((x - radius) / this.cellSize);
    const maxX = Math.floor((x + radius) / this.cellSize);
    const minY = Math.floor((y - radius) / this.cellSize);
    const maxY = Math.floor((y + radius) / this.cellSize);
    for (let cx = minX; cx <= maxX; cx++) {
      for (let cy = minY; cy <= maxY; cy++) {
        const bucket = this.cells.get(this.key(cx, cy));
        if (!bucket) continue;
        for (const id of bucket) {
          const p = this.where.get(id)!;
          const dx = p.x - x;
          const dy = p.y - y;
          const d2 = dx * dx + dy * dy;
          if (d2 <= r2) fn(id, d2);
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
