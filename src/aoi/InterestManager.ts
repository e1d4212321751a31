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

/** "Nothing changed", shared and frozen: callers only read it. */
const EMPTY: InterestChange = Object.freeze({
  enter: Object.freeze([]) as unknown as string[],
  leave: Object.freeze([]) as unknown as string[],
});

/**
 * Who sees whom. Entities live in a spatial grid; each observer has a visible
 * set that changes only through `update`, which looks at the grid cells near
 * the observer (never at every entity) and reports what entered and left.
 * Pure bookkeeping: the room turns the changes into StateView add/remove.
 *
 * - An entity comes into view within `radius` and leaves beyond
 *   `radius × hysteresis`.
 * - In a crowd, a view holds the nearest `maxVisible`; the ones already in
 *   view rank as if `hysteresis` times nearer, so two entities at about the
 *   same distance do not take turns at the edge of the cap every update.
 * - A hidden entity (`setHidden`) is in no other observer's view.
 */
export class InterestManager {
  readonly grid: SpatialGrid;
  private readonly visible = new Map<string, Set<string>>();
  private readonly hidden = new Set<string>();
  private readonly leaveRadius: number;
  private readonly enterR2: number;
  /** Ranking bonus of an entity already in view in a capped crowd (distances are squared). */
  private readonly keepFactor: number;

  // Scratch space of the update in progress, reused so an update allocates
  // nothing unless its view changes (updates never interleave).
  private scanObserver = "";
  private scanCurrent: ReadonlySet<string> = new Set();
  private scanIds: string[] = [];
  private scanKeys: number[] = [];
  private scanCount = 0;
  private scanKept = 0;
  private readonly selected = new Set<string>();
  private readonly collect = (id: string, d2: number): void => {
    if (id === this.scanObserver) return;
    if (this.hidden.size > 0 && this.hidden.has(id)) return;
    const inView = this.scanCurrent.has(id);
    if (!inView && d2 > this.enterR2) return;
    const n = this.scanCount++;
    this.scanIds[n] = id;
    this.scanKeys[n] = inView ? d2 * this.keepFactor : d2;
    if (inView) this.scanKept++;
  };

  constructor(readonly options: InterestOptions) {
    if (!(options.hysteresis >= 1)) throw new Error("hysteresis must be ≥ 1");
    this.leaveRadius = options.radius * options.hysteresis;
    this.enterR2 = options.radius * options.radius;
    this.keepFactor = 1 / (options.hysteresis * options.hysteresis);
    this.grid = new SpatialGrid(this.leaveRadius);
  }

  /** An entity appears or moves. */
  move(id: string, x: number, y: number): void {
    this.grid.set(id, x, y);
  }

  /** An entity is gone: it leaves every view (the caller removes it from state) and forgets it was hidden. */
  remove(id: string): void {
    this.grid.delete(id);
    for (const set of this.visible.values()) set.delete(id);
    this.visible.delete(id);
    this.hidden.delete(id);
  }

  /**
   * Hides an entity from every other observer (e.g. an invisible GM), or shows
   * it again. Takes effect at each observer's next `update`, which reports it
   * leaving (or, once shown and within the radius, entering). It holds across
   * moves until changed or the entity is removed; its own view is unaffected
   * (an observer is never in its own set: the room shows it its own entity).
   */
  setHidden(id: string, hidden: boolean): void {
    if (hidden) this.hidden.add(id);
    else this.hidden.delete(id);
  }

  isHidden(id: string): boolean {
    return this.hidden.has(id);
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
   * kept until beyond `radius × hysteresis`, hidden ones dropped, then capped
   * to the nearest `maxVisible`. Work is proportional to the entities near
   * the observer; an unchanged view allocates nothing.
   */
  update(observerId: string): InterestChange {
    const current = this.visible.get(observerId);
    const at = this.grid.position(observerId);
    if (!current || !at) return EMPTY;
    this.scanObserver = observerId;
    this.scanCurrent = current;
    this.scanCount = 0;
    this.scanKept = 0;
    this.grid.forEachWithin(at.x, at.y, this.leaveRadius, this.collect);
    const ids = this.scanIds;
    let n = this.scanCount;
    let kept = this.scanKept;
    const cap = this.options.maxVisible;
    if (n > cap) {
      selectSmallest(this.scanKeys, ids, n, cap);
      n = cap;
      kept = 0;
      for (let i = 0; i < n; i++) if (current.has(ids[i]!)) kept++;
    }
    this.scanCurrent = EMPTY_SET;
    if (kept === n && kept === current.size) return EMPTY;
    const enter: string[] = [];
    const leave: string[] = [];
    if (kept < current.size) {
      const selected = this.selected;
      for (let i = 0; i < n; i++) selected.add(ids[i]!);
      for (const id of current) if (!selected.has(id)) leave.push(id);
      selected.clear();
    }
    for (let i = 0; i < n; i++) if (!current.has(ids[i]!)) enter.push(ids[i]!);
    for (const id of leave) current.delete(id);
    for (const id of enter) current.add(id);
    return { enter, leave };
  }
}

const EMPTY_SET: ReadonlySet<string> = new Set();

/**
 * Reorders the first `n` entries of the parallel arrays so the `k` smallest
 * keys come first (in no particular order): quickselect, O(n) on average,
 * where a sort would be O(n log n) for every observer of a crowd.
 */
export function selectSmallest(keys: number[], ids: string[], n: number, k: number): void {
  let lo = 0;
  let hi = n - 1;
  const target = k - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    const a = keys[lo]!;
    const b = keys[mid]!;
    const c = keys[hi]!;
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (keys[i]! < pivot) i++;
      while (keys[j]! > pivot) j--;
      if (i <= j) {
        const tk = keys[i]!;
        keys[i] = keys[j]!;
        keys[j] = tk;
        const ti = ids[i]!;
        ids[i] = ids[j]!;
        ids[j] = ti;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return;
  }
}
