import { SpatialGrid, type GridEntry } from "./SpatialGrid.js";
import { installViewEncoding } from "./viewEncoding.js";

export interface InterestOptions {
  /** Entities within this distance come into view. */
  radius: number;
  /** Leave distance = radius × hysteresis (≥ 1): an entity at the edge does not flicker. */
  hysteresis: number;
  /** At most this many others in view (the nearest); the observer itself never counts. */
  maxVisible: number;
  /**
   * In a crowd (more candidates than `maxVisible`), a view is recomputed only
   * every ceil(candidates / maxVisible)-th `update`, skipping at most this
   * many in a row (default 4; 0 recomputes every time). The work per update
   * then stays about proportional to `maxVisible` however dense the crowd,
   * and membership at the edge of the cap churns less. Hidden entities still
   * leave at the next update.
   */
  crowdSkipMax?: number;
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
 * - In a crowd, views refresh less often (`crowdSkipMax`).
 *
 * Constructing one also installs ./viewEncoding.ts (once per process), so
 * that encoding each client's StateView costs what that view holds rather
 * than everything that changed in the room.
 */
export class InterestManager {
  readonly grid: SpatialGrid;
  private readonly views = new Map<string, View>();
  /** Observers that are points, not entities (`place`): never in anyone's view. */
  private readonly points = new Map<string, GridEntry>();
  private readonly hidden = new Set<string>();
  private readonly leaveRadius: number;
  private readonly enterR2: number;
  /** Ranking bonus of an entity already in view in a capped crowd (distances are squared). */
  private readonly keepFactor: number;
  private readonly crowdSkipMax: number;

  // Scratch space of the update in progress, reused so an update allocates
  // nothing unless its view changes (updates never interleave). Membership
  // in the current view is stamped on the grid entries (`mark`), so the scan
  // of the neighbourhood does no string-keyed lookups.
  private epoch = 0;
  private scanSelf: GridEntry | undefined;
  private scanStamp = 0;
  private scanEntries: GridEntry[] = [];
  private scanKeys: number[] = [];
  private scanCount = 0;
  private scanKept = 0;
  private scanMaxKept = 0;
  private scanMinNew = Infinity;
  private readonly collect = (e: GridEntry, d2: number): void => {
    if (e === this.scanSelf) return;
    if (this.hidden.size > 0 && this.hidden.has(e.id)) return;
    const n = this.scanCount;
    if (e.mark === this.scanStamp) {
      const key = d2 * this.keepFactor;
      this.scanKeys[n] = key;
      if (key > this.scanMaxKept) this.scanMaxKept = key;
      this.scanKept++;
    } else {
      if (d2 > this.enterR2) return;
      this.scanKeys[n] = d2;
      if (d2 < this.scanMinNew) this.scanMinNew = d2;
    }
    this.scanEntries[n] = e;
    this.scanCount = n + 1;
  };

  constructor(readonly options: InterestOptions) {
    if (!(options.hysteresis >= 1)) throw new Error("hysteresis must be ≥ 1");
    this.leaveRadius = options.radius * options.hysteresis;
    this.enterR2 = options.radius * options.radius;
    this.keepFactor = 1 / (options.hysteresis * options.hysteresis);
    this.crowdSkipMax = Math.max(0, Math.floor(options.crowdSkipMax ?? 4));
    this.grid = new SpatialGrid(this.leaveRadius);
    installViewEncoding();
  }

  /** An entity appears or moves. */
  move(id: string, x: number, y: number): void {
    this.grid.set(id, x, y);
  }

  /** An entity is gone: it leaves every view (the caller removes it from state) and forgets it was hidden. */
  remove(id: string): void {
    this.grid.delete(id);
    for (const view of this.views.values()) {
      if (!view.ids.delete(id)) continue;
      const i = view.entries.findIndex((e) => e.id === id);
      if (i >= 0) {
        view.entries[i] = view.entries[view.entries.length - 1]!;
        view.entries.pop();
      }
    }
    this.views.delete(id);
    this.points.delete(id);
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

  private holdsHidden(view: View): boolean {
    if (this.hidden.size === 0) return false;
    for (const id of this.hidden) if (view.ids.has(id)) return true;
    return false;
  }

  isHidden(id: string): boolean {
    return this.hidden.has(id);
  }

  /** Starts tracking what `observerId` (an entity itself) sees; nothing yet. */
  observe(observerId: string): void {
    if (!this.views.has(observerId)) this.views.set(observerId, this.emptyView());
  }

  /** Forgets the observer's view so the next update sends everything again (e.g. a new connection). */
  reset(observerId: string): void {
    this.views.set(observerId, this.emptyView());
  }

  private emptyView(): View {
    return { ids: new Set(), entries: [], skip: 0, extent: this.leaveRadius };
  }

  /**
   * How far the observer's view reaches: the leave radius, or in a capped
   * crowd the distance of the farthest entity it holds (as of its last
   * recompute). Update rates scale with it, so a crowd's nearest stay smooth.
   */
  extentOf(observerId: string): number {
    return this.views.get(observerId)?.extent ?? this.leaveRadius;
  }

  /** The observer's next `update` recomputes even in a crowd (e.g. after a teleport). */
  refresh(observerId: string): void {
    const view = this.views.get(observerId);
    if (view) view.skip = 0;
  }

  unobserve(observerId: string): void {
    this.views.delete(observerId);
    this.points.delete(observerId);
  }

  /**
   * An observer that is a point rather than an entity (e.g. the centre of a
   * crowded cell whose clients share one view): it sees like an entity there
   * would, and is in nobody's view. Starts tracking it like `observe`.
   */
  place(observerId: string, x: number, y: number): void {
    this.points.set(observerId, { id: observerId, x, y, mark: 0 });
    this.observe(observerId);
  }

  visibleTo(observerId: string): ReadonlySet<string> {
    return this.views.get(observerId)?.ids ?? new Set();
  }

  /**
   * Recomputes one observer's view: newcomers within `radius`, current ones
   * kept until beyond `radius × hysteresis`, hidden ones dropped, then capped
   * to the nearest `maxVisible`. Work is proportional to the entities near
   * the observer; an unchanged view allocates nothing.
   */
  update(observerId: string): InterestChange {
    const view = this.views.get(observerId);
    const self = this.grid.entry(observerId) ?? this.points.get(observerId);
    if (!view || !self) return EMPTY;
    if (view.skip > 0) {
      view.skip--;
      if (!this.holdsHidden(view)) return EMPTY;
    }
    const stamp = ++this.epoch;
    const current = view.entries;
    for (let i = 0; i < current.length; i++) current[i]!.mark = stamp;
    this.scanSelf = self;
    this.scanStamp = stamp;
    this.scanCount = 0;
    this.scanKept = 0;
    this.scanMaxKept = 0;
    this.scanMinNew = Infinity;
    this.grid.forEachEntryWithin(self.x, self.y, this.leaveRadius, this.collect);
    this.scanSelf = undefined;
    const entries = this.scanEntries;
    let n = this.scanCount;
    let kept = this.scanKept;
    const cap = this.options.maxVisible;
    view.skip = n > cap ? Math.min(this.crowdSkipMax, Math.ceil(n / cap) - 1) : 0;
    if (n > cap) {
      // A full view that no newcomer outranks stays as it is: the usual case
      // in a steady crowd, answered without selecting anything.
      if (kept === cap && kept === current.length && this.scanMinNew >= this.scanMaxKept) return EMPTY;
      selectSmallest(this.scanKeys, entries, n, cap);
      n = cap;
      kept = 0;
      let far2 = 0;
      for (let i = 0; i < n; i++) {
        const e = entries[i]!;
        if (e.mark === stamp) kept++;
        const dx = e.x - self.x;
        const dy = e.y - self.y;
        const d2 = dx * dx + dy * dy;
        if (d2 > far2) far2 = d2;
      }
      view.extent = Math.min(this.leaveRadius, Math.sqrt(far2));
    } else {
      view.extent = this.leaveRadius;
    }
    if (kept === n && kept === current.length) return EMPTY;
    const picked = ++this.epoch;
    const enter: string[] = [];
    for (let i = 0; i < n; i++) {
      const e = entries[i]!;
      if (e.mark !== stamp) enter.push(e.id);
      e.mark = picked;
    }
    const leave: string[] = [];
    for (let i = 0; i < current.length; i++) if (current[i]!.mark !== picked) leave.push(current[i]!.id);
    for (const id of leave) view.ids.delete(id);
    for (const id of enter) view.ids.add(id);
    view.entries = entries.slice(0, n);
    return { enter, leave };
  }
}

/** One observer's view: the ids (what callers read) and the same entities' grid entries (what updates stamp). */
interface View {
  ids: Set<string>;
  entries: GridEntry[];
  /** Updates still to skip before the next recompute (crowds only). */
  skip: number;
  /** See `extentOf`. */
  extent: number;
}

/**
 * Reorders the first `n` entries of the parallel arrays so the `k` smallest
 * keys come first (in no particular order): quickselect, O(n) on average,
 * where a sort would be O(n log n) for every observer of a crowd.
 */
export function selectSmallest<T>(keys: number[], items: T[], n: number, k: number): void {
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
        const ti = items[i]!;
        items[i] = items[j]!;
        items[j] = ti;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return;
  }
}
