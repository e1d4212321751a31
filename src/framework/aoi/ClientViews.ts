import type { Client } from "@colyseus/core";
import { StateView, type Schema } from "@colyseus/schema";
import type { InterestManager } from "./InterestManager.js";
import { setViewRates, setViewShare, type ViewRates } from "./viewEncoding.js";

/** A client's own replicated entity: the centre of its view. */
type Positioned = Schema & { x: number; y: number };

export interface ClientViewOptions {
  /** Refresh each client's view every this many ticks, a share of the clients each tick. */
  updateEveryTicks: number;
  /** Others within this share of a view's reach are sent every patch. */
  fullRateFraction: number;
  /** Others beyond half-way to the edge are sent every this-many-th patch (1: off). */
  farRateEvery: number;
  /** Side of a crowd cell (default a tenth of the interest radius; 0: clients never share a view). */
  crowdCell?: number;
  /** Clients in one cell from which they share its view (default 4; fewer than one less: apart again). */
  crowdMin?: number;
}

/** One client: its view holds its own entity and `ids`. */
interface Seat {
  client: Client;
  id: string;
  own: Positioned;
  /** Everything else its view holds, by id. */
  ids: Set<string>;
  cell: Cell | undefined;
  /** Whether its view follows its cell's (else its own interest). */
  shared: boolean;
  rates: ViewRates | undefined;
}

/** A square of the district whose clients, once enough of them stand in it, all see the same set. */
interface Cell {
  key: number;
  /** The interest manager's point observer at its centre. */
  observer: string;
  centre: { x: number; y: number };
  seats: Set<Seat>;
  shared: boolean;
  /** What its shared seats see: the observer's set and the cell's own (not hidden) clients. */
  set: Set<string>;
  rates: ViewRates | undefined;
  /** Staggers the cells' refreshes over the ticks. */
  turn: number;
}

/**
 * What each client sees: its own entity always, others as the interest
 * manager lets them in and out, far ones at a lower update rate. The reach
 * shrinks in a crowd, so the nearest stay smooth however dense it gets.
 *
 * In a dense crowd, the clients standing in one small cell (`crowdCell`)
 * see the same set — what is near the cell's centre, and each other — so
 * interest is computed once per cell and, their views holding the same
 * trees, the patch is encoded once per cell and copied to the others
 * (`setViewShare`). Each client keeps its own StateView: moving to another
 * cell is an ordinary add/remove of the difference, and a view that differs
 * from its cell's for any reason is simply encoded for itself.
 */
export class ClientViews {
  private readonly seats = new Map<string, Seat>();
  private readonly cells = new Map<number, Cell>();
  private readonly cellSize: number;
  private readonly margin: number;
  private readonly crowdMin: number;
  private turns = 0;

  constructor(
    private readonly interest: InterestManager,
    private readonly options: ClientViewOptions,
    /** The replicated entity of an id (player or NPC), if it is in the state. */
    private readonly entity: (id: string) => Schema | undefined,
    /** Told how many entities each refreshed view holds (a metric). */
    private readonly observeVisible: (count: number) => void = () => {},
  ) {
    this.cellSize = options.crowdCell ?? interest.options.radius / 10;
    // A client stays in its cell until this far past its edge: walking along an edge does not flip cells.
    this.margin = this.cellSize / 4;
    this.crowdMin = Math.max(2, options.crowdMin ?? 4);
  }

  /** A joined client (or one back from a reconnect): a fresh view holding itself, then what it can see. */
  open(client: Client, own: Positioned, reset = false): void {
    const old = this.seats.get(client.sessionId);
    if (old) this.leaveCell(old, false);
    client.view = new StateView();
    client.view.add(own);
    const seat: Seat = {
      client,
      id: client.sessionId,
      own,
      ids: new Set(),
      cell: undefined,
      shared: false,
      rates: undefined,
    };
    this.seats.set(seat.id, seat);
    seat.rates = this.makeRates(own);
    // Reconnected or not, the new view starts empty: its interest starts over too (`reset`).
    void reset;
    this.goPrivate(seat);
    this.place(seat);
  }

  forget(sessionId: string): void {
    const seat = this.seats.get(sessionId);
    if (seat) this.leaveCell(seat, false);
    this.seats.delete(sessionId);
    this.interest.remove(sessionId);
  }

  /**
   * Refreshes a share of the observers each tick (all of them every
   * `updateEveryTicks`), so the cost per tick stays flat as the room fills up.
   * Positions must have been fed to the interest manager first.
   */
  update(clients: Iterable<Client>, tick: number): void {
    const every = this.options.updateEveryTicks;
    let i = 0;
    for (const client of clients) {
      if ((tick + i++) % every !== 0) continue;
      const seat = this.seats.get(client.sessionId);
      if (!seat || seat.client !== client) continue;
      this.place(seat);
      if (seat.shared) continue; // its cell refreshes it, below
      const change = this.interest.update(seat.id);
      for (const id of change.enter) this.show(seat, id);
      for (const id of change.leave) this.hide(seat, id);
      this.scaleRates(seat.rates, seat.id);
      this.observeVisible(this.interest.visibleTo(seat.id).size);
    }
    for (const cell of this.cells.values()) {
      if (cell.shared && (tick + cell.turn) % every === 0) this.refreshCell(cell);
    }
  }

  /** Puts the seat in the cell it stands in (hidden ones in none), sharing or not as the cell's count says. */
  private place(seat: Seat): void {
    const entry = this.interest.grid.entry(seat.id);
    if (this.cellSize <= 0 || !entry || this.interest.isHidden(seat.id)) {
      if (seat.cell) this.leaveCell(seat);
      return;
    }
    const cell = seat.cell;
    const half = this.cellSize / 2 + this.margin;
    if (cell && Math.abs(entry.x - cell.centre.x) <= half && Math.abs(entry.y - cell.centre.y) <= half)
      return;
    const cx = Math.floor(entry.x / this.cellSize);
    const cy = Math.floor(entry.y / this.cellSize);
    const key = (cx + 32768) * 65536 + (cy + 32768);
    let next = this.cells.get(key);
    // From one shared cell to another, the view goes straight to the new set (no detour through its own interest).
    if (cell) this.leaveCell(seat, !(next && (next.shared || next.seats.size + 1 >= this.crowdMin)));
    if (!next) {
      const centre = { x: (cx + 0.5) * this.cellSize, y: (cy + 0.5) * this.cellSize };
      next = {
        key,
        observer: `\u0000cell:${key}`,
        centre,
        seats: new Set(),
        shared: false,
        set: new Set(),
        rates: this.makeRates(centre, new Set()),
        turn: this.turns++,
      };
      this.cells.set(key, next);
    }
    seat.cell = next;
    next.seats.add(seat);
    (next.rates?.always as Set<unknown> | undefined)?.add(seat.own);
    if (next.shared) {
      next.set.add(seat.id);
      this.goShared(seat, next);
      for (const other of next.seats) if (other !== seat) this.show(other, seat.id);
    } else if (next.seats.size >= this.crowdMin) {
      this.interest.place(next.observer, next.centre.x, next.centre.y);
      next.shared = true;
      this.computeSet(next);
      for (const s of next.seats) this.goShared(s, next);
    }
  }

  /** Takes the seat out of its cell; `alone`: its view goes back to its own interest. */
  private leaveCell(seat: Seat, alone = true): void {
    const cell = seat.cell;
    if (!cell) return;
    cell.seats.delete(seat);
    (cell.rates?.always as Set<unknown> | undefined)?.delete(seat.own);
    seat.cell = undefined;
    if (seat.shared && alone) this.goPrivate(seat);
    if (cell.shared && cell.seats.size < this.crowdMin - 1) {
      cell.shared = false;
      cell.set.clear();
      this.interest.unobserve(cell.observer);
      for (const s of cell.seats) this.goPrivate(s);
    }
    if (cell.seats.size === 0) this.cells.delete(cell.key);
  }

  /** Recomputes a shared cell's set and hands every seat of it the difference. */
  private refreshCell(cell: Cell): void {
    const before = cell.set;
    this.computeSet(cell);
    const after = cell.set;
    for (const id of after) if (!before.has(id)) for (const s of cell.seats) if (s.shared) this.show(s, id);
    for (const id of before) if (!after.has(id)) for (const s of cell.seats) if (s.shared) this.hide(s, id);
    this.scaleRates(cell.rates, cell.observer);
    for (let k = 0; k < cell.seats.size; k++) this.observeVisible(after.size);
  }

  private computeSet(cell: Cell): void {
    this.interest.update(cell.observer);
    const set = new Set(this.interest.visibleTo(cell.observer));
    for (const s of cell.seats) if (!this.interest.isHidden(s.id)) set.add(s.id);
    cell.set = set;
    this.scaleRates(cell.rates, cell.observer);
  }

  /** The seat's view becomes its cell's set (plus itself), with the cell's rates and share token. */
  private goShared(seat: Seat, cell: Cell): void {
    seat.shared = true;
    this.interest.unobserve(seat.id);
    this.become(seat, cell.set);
    if (seat.client.view) {
      setViewShare(seat.client.view, cell);
      setViewRates(seat.client.view, cell.rates);
    }
  }

  /** The seat's view becomes what the interest manager shows it alone, with its own rates. */
  private goPrivate(seat: Seat): void {
    seat.shared = false;
    this.interest.reset(seat.id);
    this.interest.update(seat.id);
    this.become(seat, this.interest.visibleTo(seat.id));
    this.scaleRates(seat.rates, seat.id);
    if (seat.client.view) {
      setViewShare(seat.client.view, undefined);
      setViewRates(seat.client.view, seat.rates);
    }
  }

  /** Makes the seat's view hold exactly `target` (and itself), adding what it lacks and removing the rest. */
  private become(seat: Seat, target: ReadonlySet<string>): void {
    for (const id of seat.ids) if (!target.has(id)) this.hide(seat, id);
    for (const id of target) this.show(seat, id);
  }

  private show(seat: Seat, id: string): void {
    if (id === seat.id) return;
    const view = seat.client.view;
    const entity = this.entity(id);
    if (!view || !entity) return;
    seat.ids.add(id);
    if (!view.has(entity)) view.add(entity);
  }

  private hide(seat: Seat, id: string): void {
    if (id === seat.id) return;
    seat.ids.delete(id);
    const view = seat.client.view;
    const entity = this.entity(id);
    if (view && entity && view.has(entity)) view.remove(entity);
  }

  /**
   * Others far out in a view change less often for it: within
   * `fullRateFraction` of the view's reach every patch, half-way to the edge
   * every 2nd, beyond every `farRateEvery`-th (viewRates.ts). A cell's
   * rates are measured from its centre, widened by its spread, and send its
   * clients' own entities (`always`) every patch.
   */
  private makeRates(observer: { x: number; y: number }, always?: Set<unknown>): ViewRates | undefined {
    const { fullRateFraction, farRateEvery } = this.options;
    if (farRateEvery <= 1 || fullRateFraction >= 1) return undefined;
    return { observer, fullRadius: 0, halfRadius: 0, farEvery: farRateEvery, ...(always ? { always } : {}) };
  }

  private scaleRates(rates: ViewRates | undefined, observerId: string): void {
    if (!rates) return;
    const reach = this.interest.extentOf(observerId);
    // Measured from a cell's centre, the bands widen by how far its clients may stand from it
    // (the cell's half-diagonal with the margin): what is near any of them is full-rate.
    const spread = rates.always === undefined ? 0 : (this.cellSize / 2 + this.margin) * Math.SQRT2;
    rates.fullRadius = reach * this.options.fullRateFraction + spread;
    rates.halfRadius = (rates.fullRadius + reach + spread) / 2;
  }
}
