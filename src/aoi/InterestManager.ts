import { SpatialGrid } from "./SpatialGrid.js";

export interface InterestOptions {
  /** Entities within this distance come into view. */
  radius: number;
  /** Leave distance = radius × hysteresis (≥ 1): an entity at the edge does not flicker. */
  hysteresis: number;
  /** At most this many others in view (the nearest); the observer itself never counts. */
  maxVisible: number;
}

export interface InterestChange {
  enter: string[];
  leave: string[];
}

const EMPTY: InterestChange = { enter: [], leave: [] };

/**
 * Who sees whom. Entities live in a spatial grid; each observer has a visible
 * set that changes only through `update`, which looks at the grid cells near
 * the observer (never at every entity) and reports what entered and left.
 * Pure bookkeeping: the room turns the changes into StateView add/remove.
 */
export class InterestManager {
  readonly grid: SpatialGrid;
  private readonly visible = new Map<string, Set<string>>();
  private readonly leaveRadius: number;
  /** Entities no other observer may see (an invisible GM); each still sees itself and others. */
  private readonly hidden = new Set<string>();

  constructor(readonly options: InterestOptions) {
    if (!(options.hysteresis >= 1)) throw new Error("hysteresis must be ≥ 1");
    this.leaveRadius = options.radius * options.hysteresis;
    this.grid = new SpatialGrid(this.leaveRadius);
  }

  /** An entity appears or moves. */
  move(id: string, x: number, y: number): void {
    this.grid.set(id, x, y);
  }

  /** Hides an entity from every other observer from their next `update`, or shows it again. */
  setHidden(id: string, hidden: boolean): void {
    if (hidden) this.hidden.add(id);
    else this.hidden.delete(id);
  }

  /** An entity is gone: it leaves every view (the caller removes it from state). */
  remove(id: string): void {
    this.hidden.delete(id);
    this.grid.delete(id);
    for (const set of this.visible.values()) set.delete(id);
    this.visible.delete(id);
  }

  /** Starts tracking what `observerId` (an entity itself) sees; nothing yet. */
  observe(observerId: string): void {
    if (!this.visible.has(observerId)) this.visible.set(observerId, new Set());
  }

  /** Forgets the observer's view so the next update sends everything again (e.g. a new connection). */
  reset(observerId: string): void {
    this.visible.set(observerId, new Set());
  }

  unobserve(observerId: string): void {
    this.visible.delete(observerId);
  }

  visibleTo(observerId: string): ReadonlySet<string> {
    return this.visible.get(observerId) ?? new Set();
  }

  /**
   * Recomputes one observer's view: newcomers within `radius`, current ones
   * kept until beyond `radius × hysteresis`, then capped to the nearest
   * `maxVisible`. Work is proportional to the entities near the observer.
   */
  update(observerId: string): InterestChange {
    const current = this.visible.get(observerId);
    const at = this.grid.position(observerId);
    if (!current || !at) return EMPTY;
    const enterR2 = this.options.radius * this.options.radius;
    const candidates: { id: string; d2: number }[] = [];
    this.grid.forEachWithin(at.x, at.y, this.leaveRadius, (id, d2) => {
      if (id === observerId || this.hidden.has(id)) return;
      if (d2 <= enterR2 || current.has(id)) candidates.push({ id, d2 });
    });
    if (candidates.length > this.options.maxVisible) {
      candidates.sort((a, b) => a.d2 - b.d2);
      candidates.length = this.options.maxVisible;
    }
    const next = new Set<string>();
    const enter: string[] = [];
    for (const { id } of candidates) {
      next.add(id);
      if (!current.has(id)) enter.push(id);
    }
    const leave: string[] = [];
    for (const id of current) if (!next.has(id)) leave.push(id);
    if (enter.length === 0 && leave.length === 0) return EMPTY;
    this.visible.set(observerId, next);
    return { enter, leave };
  }
}
