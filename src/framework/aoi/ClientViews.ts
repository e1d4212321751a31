import type { Client } from "@colyseus/core";
import { StateView, type Schema } from "@colyseus/schema";
import type { InterestManager } from "./InterestManager.js";
import { copyView } from "./copyView.js";
import {
  cellKey,
  holdsSame,
  sharedNear,
  type Cell,
  type Holder,
  type Positioned,
  type Seat,
} from "./crowdCells.js";
import { installViewEncoding, setViewRates, setViewShare, type ViewRates } from "./viewEncoding.js";

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
  /** Clients that may leave a shared cell per tick (default one in 32 clients, at least 8); the rest wait a tick. */
  crossingsPerTick?: number;
}

/**
 * What each client sees: its own entity always, others as the interest
 * manager lets them in and out, far ones at a lower update rate. The reach
 * shrinks in a crowd, so the nearest stay smooth however dense it gets.
 *
 * In a dense crowd, the clients standing in one small cell (`crowdCell`)
 * see the same set — what is near the cell's centre, and each other — so
 * interest is computed once per cell, and the clients hold one common
 * StateView: Colyseus encodes a view once per patch however many clients
 * hold it, and a change to the set is one add or remove, not one per client.
 * A client stays in its cell until it is half a cell past the edge, and one
 * whose own cell is too sparse to share (a crowd's thin edge) joins the
 * nearest shared cell that reaches it that far; the cell's update-rate bands
 * widen by as much, so what stands near the client is still sent every patch.
 * A crossing costs a re-fit of the client's view and an encode of its own,
 * so only so many clients leave shared cells per tick (a crowd that moves
 * off together, after an announcement, say): the others keep their cell's
 * view a tick or two longer, first in line the next tick.
 *
 * A client entering a shared cell first makes its own view hold the
 * cell's set (an ordinary add/remove of the difference) and waits: once
 * that difference has been sent, and nothing the common view changed is
 * still unsent, it takes the common view. Leaving, it takes its own view
 * back as a copy of the common one, unsent changes included (copyView.ts),
 * and goes on from there. A view that differs from its cell's for any
 * other reason is simply encoded for itself.
 */
export class ClientViews {
  private readonly seats = new Map<string, Seat>();
  private readonly cells = new Map<number, Cell>();
  private readonly cellSize: number;
  private readonly margin: number;
  private readonly crowdMin: number;
  /** Whether clients may hold a common view: leaving one needs the view encoding installed (copyView). */
  private readonly canShare: boolean;
  private turns = 0;
  /** Crossings left this tick, and the seats that had to wait for one (first in line the next tick). */
  private crossings = 0;
  private waitingToCross = new Set<Seat>();

  constructor(
    private readonly interest: InterestManager,
    private readonly options: ClientViewOptions,
    /** The replicated entity of an id (player or NPC), if it is in the state. */
    private readonly entity: (id: string) => Schema | undefined,
    /** Told how many entities each refreshed view holds (a metric). */
    private readonly observeVisible: (count: number) => void = () => {},
  ) {
    this.cellSize = options.crowdCell ?? interest.options.radius / 10;
    // A client stays in its cell until this far past its edge: walking along an edge, or a small circle
    // across one, does not flip cells (each flip re-fits its view). The cell's rates widen by as much.
    this.margin = this.cellSize / 2;
    this.crowdMin = Math.max(2, options.crowdMin ?? 4);
    this.canShare = installViewEncoding();
  }

  /** A joined client (or one back from a reconnect): a fresh view holding itself, then what it can see. */
  open(client: Client, own: Positioned): void {
    const old = this.seats.get(client.sessionId);
    if (old) {
      this.leaveCell(old, false);
      this.waitingToCross.delete(old); // the new seat places itself
    }
    const mine = { view: new StateView(), ids: new Set<string>() };
    mine.view.add(own);
    client.view = mine.view;
    const seat: Seat = {
      client,
      id: client.sessionId,
      own,
      mine,
      cell: undefined,
      shared: false,
      attached: false,
      rates: undefined,
      looks: 0,
    };
    this.seats.set(seat.id, seat);
    seat.rates = this.makeRates(own);
    // Reconnected or not, the new view starts empty: its interest starts over too.
    this.goPrivate(seat);
    this.place(seat);
  }

  forget(sessionId: string): void {
    const seat = this.seats.get(sessionId);
    if (seat) this.leaveCell(seat, false);
    this.seats.delete(sessionId);
    if (seat) this.waitingToCross.delete(seat);
    this.interest.remove(sessionId);
  }

  /**
   * Refreshes a share of the observers each tick (all of them every
   * `updateEveryTicks`), so the cost per tick stays flat as the room fills up.
   * Positions must have been fed to the interest manager first.
   */
  update(clients: Iterable<Client>, tick: number): void {
    // First, before this tick changes any view: the last patch has sent what the waiting seats' views owed.
    for (const cell of this.cells.values()) if (cell.waiting.size > 0) this.attachWaiting(cell);
    // A crossing re-fits a view (tens of adds and removes, then an encode of its own): a bounded
    // number per tick keeps a crowd's tick flat when many cross at once. Who waited goes first.
    this.crossings = this.options.crossingsPerTick ?? Math.max(8, Math.ceil(this.seats.size / 32));
    if (this.waitingToCross.size > 0) {
      const first = [...this.waitingToCross];
      this.waitingToCross.clear();
      for (const seat of first) if (this.seats.get(seat.id) === seat) this.place(seat);
    }
    const every = this.options.updateEveryTicks;
    let i = 0;
    for (const client of clients) {
      if ((tick + i++) % every !== 0) continue;
      const seat = this.seats.get(client.sessionId);
      if (!seat || seat.client !== client) continue;
      this.place(seat);
      if (seat.shared) continue; // its cell refreshes it, below
      const change = this.interest.update(seat.id);
      for (const id of change.enter) this.show(seat.mine, id, seat.id);
      for (const id of change.leave) this.hide(seat.mine, id, seat.id);
      this.scaleRates(seat.rates, seat.id);
      this.observeVisible(this.interest.visibleTo(seat.id).size);
    }
    for (const cell of this.cells.values()) {
      if (cell.common && (tick + cell.turn) % every === 0) this.refreshCell(cell);
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
    const inside =
      cell !== undefined &&
      Math.abs(entry.x - cell.centre.x) <= half &&
      Math.abs(entry.y - cell.centre.y) <= half;
    if (inside && cell.common) return;
    // Inside a cell too sparse to share: it looks for a shared neighbour every 4th placing (sparse districts are most of them).
    if (inside && (++seat.looks & 3) !== 0) return;
    const cx = Math.floor(entry.x / this.cellSize);
    const cy = Math.floor(entry.y / this.cellSize);
    // The nearest shared cell that reaches the seat: at a crowd's thin edge, where its own cell is too
    // sparse to share, a neighbour's common view serves it rather than a view of its own.
    let next = sharedNear(this.cells, entry.x, entry.y, cx, cy, half);
    if (!next && inside) return;
    if (cell?.common) {
      // Out of a shared cell: its view stays the cell's (near enough still) until a crossing is free.
      if (this.crossings <= 0) {
        this.waitingToCross.add(seat);
        return;
      }
      this.crossings--;
    }
    const key = next?.key ?? cellKey(cx, cy);
    next ??= this.cells.get(key);
    // From one shared cell to another, the view goes straight to the new set (no detour through its own interest).
    if (cell) this.leaveCell(seat, !(next && (next.common || next.seats.size + 1 >= this.crowdMin)));
    if (!next) {
      const centre = { x: (cx + 0.5) * this.cellSize, y: (cy + 0.5) * this.cellSize };
      next = {
        key,
        observer: `\u0000cell:${key}`,
        centre,
        seats: new Map(),
        common: undefined,
        waiting: new Set(),
        attached: 0,
        moved: true,
        rates: this.makeRates(centre, new Set()),
        turn: this.turns++,
      };
      this.cells.set(key, next);
    }
    seat.cell = next;
    next.seats.set(seat.id, seat);
    next.moved = true;
    (next.rates?.always as Set<unknown> | undefined)?.add(seat.own);
    if (next.common) {
      this.show(next.common, seat.id);
      for (const other of next.waiting) this.show(other.mine, seat.id, other.id);
      this.goShared(seat, next);
    } else if (next.seats.size >= this.crowdMin) {
      this.interest.place(next.observer, next.centre.x, next.centre.y);
      const common = { view: new StateView(), ids: new Set<string>() };
      setViewRates(common.view, next.rates);
      next.common = common;
      this.refreshCell(next);
      if (!next.common) return; // every seat of it was hidden
      for (const s of next.seats.values()) this.goShared(s, next);
    }
  }

  /** Takes the seat out of its cell; `alone`: its view goes back to its own interest. */
  private leaveCell(seat: Seat, alone = true): void {
    const cell = seat.cell;
    if (!cell) return;
    if (seat.attached) this.detach(seat, cell);
    cell.waiting.delete(seat);
    cell.seats.delete(seat.id);
    cell.moved = true;
    (cell.rates?.always as Set<unknown> | undefined)?.delete(seat.own);
    seat.cell = undefined;
    if (seat.shared && alone) this.goPrivate(seat);
    if (cell.common && cell.seats.size < this.crowdMin - 1) this.unshare(cell);
    if (cell.seats.size === 0) this.cells.delete(cell.key);
  }

  /** The cell's seats go back to their own views and interest; the common view is dropped. */
  private unshare(cell: Cell): void {
    for (const s of cell.seats.values()) if (s.attached) this.detach(s, cell);
    cell.waiting.clear();
    cell.common?.view.dispose();
    cell.common = undefined;
    this.interest.unobserve(cell.observer);
    for (const s of cell.seats.values()) this.goPrivate(s);
  }

  /**
   * Recomputes a shared cell's set into its common view (one add or remove
   * per difference) and into the views of its waiting seats. A hidden seat
   * leaves the cell first: its own entity must never leave its own view.
   */
  private refreshCell(cell: Cell): void {
    let hidden = false;
    for (const id of cell.seats.keys()) hidden ||= this.interest.isHidden(id);
    if (hidden) {
      for (const s of [...cell.seats.values()]) if (this.interest.isHidden(s.id)) this.leaveCell(s);
      if (!cell.common) return; // too few were left to share
    }
    const common = cell.common!;
    const change = this.interest.update(cell.observer);
    // In a steady crowd the set usually stays as it was: nothing to compare.
    if (cell.moved || change.enter.length > 0 || change.leave.length > 0) {
      cell.moved = false;
      // What is near its centre, and its own seats (no union built: this runs for every crowded cell).
      this.become(common, this.interest.visibleTo(cell.observer), undefined, cell.seats);
      for (const s of cell.waiting) this.become(s.mine, common.ids, s.id);
    }
    this.scaleRates(cell.rates, cell.observer);
    for (let k = 0; k < cell.seats.size; k++) this.observeVisible(common.ids.size);
  }

  /** Waiting seats whose own view holds the common set, all of it sent, take the common view. */
  private attachWaiting(cell: Cell): void {
    // Without the view encoding's bookkeeping (copyView needs it), seats stay on their own views.
    if (!this.canShare) return;
    const common = cell.common!;
    // Attached clients still owe what the common view changed since the patch: try after the next one.
    if (cell.attached > 0 && common.view.changes.size > 0) return;
    for (const seat of cell.waiting) {
      if (seat.mine.view.changes.size > 0 || !holdsSame(seat, common)) continue;
      // Nobody holds the common view yet: what it has not sent, every client has had through its own.
      if (cell.attached === 0) common.view.changes.clear();
      seat.client.view = common.view;
      seat.attached = true;
      cell.attached++;
      cell.waiting.delete(seat);
    }
  }

  /** The client goes back to its own view, made a copy of the common one (unsent changes included). */
  private detach(seat: Seat, cell: Cell): void {
    const common = cell.common!;
    const mine = seat.mine;
    copyView(mine.view, common.view);
    mine.ids = new Set(common.ids);
    mine.ids.delete(seat.id);
    seat.client.view = mine.view;
    seat.attached = false;
    cell.attached--;
  }

  /** The seat's view becomes its cell's set (plus itself), with the cell's rates and share token; it waits to attach. */
  private goShared(seat: Seat, cell: Cell): void {
    seat.shared = true;
    this.interest.unobserve(seat.id);
    this.become(seat.mine, cell.common!.ids, seat.id);
    setViewShare(seat.mine.view, cell);
    setViewRates(seat.mine.view, cell.rates);
    cell.waiting.add(seat);
  }

  /** The seat's view becomes what the interest manager shows it alone, with its own rates. */
  private goPrivate(seat: Seat): void {
    seat.shared = false;
    this.interest.reset(seat.id);
    this.interest.update(seat.id);
    this.become(seat.mine, this.interest.visibleTo(seat.id), seat.id);
    this.scaleRates(seat.rates, seat.id);
    setViewShare(seat.mine.view, undefined);
    setViewRates(seat.mine.view, seat.rates);
  }

  /** Makes the holder's view hold exactly `target` and `also` (its owner `self` aside), adding what it lacks and removing the rest. */
  private become(
    holder: Holder,
    target: ReadonlySet<string>,
    self?: string,
    also?: ReadonlyMap<string, unknown>,
  ): void {
    for (const id of holder.ids) if (!target.has(id) && !also?.has(id)) this.hide(holder, id, self);
    for (const id of target) this.show(holder, id, self);
    if (also) for (const id of also.keys()) this.show(holder, id, self);
  }

  private show(holder: Holder, id: string, self?: string): void {
    if (id === self) return;
    const entity = this.entity(id);
    if (!entity) return;
    holder.ids.add(id);
    if (!holder.view.has(entity)) holder.view.add(entity);
  }

  private hide(holder: Holder, id: string, self?: string): void {
    if (id === self) return;
    holder.ids.delete(id);
    const entity = this.entity(id);
    if (entity && holder.view.has(entity)) holder.view.remove(entity);
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
