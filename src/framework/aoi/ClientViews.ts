import type { Client } from "@colyseus/core";
import { StateView, type Schema } from "@colyseus/schema";
import type { InterestChange, InterestManager } from "./InterestManager.js";
import { setViewRates, type ViewRates } from "./viewEncoding.js";

/** A client's own replicated entity: the centre of its view. */
type Positioned = Schema & { x: number; y: number };

export interface ClientViewOptions {
  /** Refresh each client's view every this many ticks, a share of the clients each tick. */
  updateEveryTicks: number;
  /** Others within this share of a view's reach are sent every patch. */
  fullRateFraction: number;
  /** Others beyond half-way to the edge are sent every this-many-th patch (1: off). */
  farRateEvery: number;
}

/**
 * What each client sees: its own entity always, others as the interest
 * manager lets them in and out, far ones at a lower update rate. The reach
 * shrinks in a crowd, so the nearest stay smooth however dense it gets.
 */
export class ClientViews {
  private readonly rates = new Map<string, ViewRates>();

  constructor(
    private readonly interest: InterestManager,
    private readonly options: ClientViewOptions,
    /** The replicated entity of an id (player or NPC), if it is in the state. */
    private readonly entity: (id: string) => Schema | undefined,
    /** Told how many entities each refreshed view holds (a metric). */
    private readonly observeVisible: (count: number) => void = () => {},
  ) {}

  /** A joined client (or one back from a reconnect): a fresh view holding itself, then what it can see. */
  open(client: Client, own: Positioned, reset = false): void {
    client.view = new StateView();
    client.view.add(own);
    if (reset) this.interest.reset(client.sessionId);
    else this.interest.observe(client.sessionId);
    this.apply(client, this.interest.update(client.sessionId));
    this.attachRates(client, own);
  }

  forget(sessionId: string): void {
    this.interest.remove(sessionId);
    this.rates.delete(sessionId);
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
      this.apply(client, this.interest.update(client.sessionId));
      this.scaleRates(client.sessionId);
      this.observeVisible(this.interest.visibleTo(client.sessionId).size);
    }
  }

  private apply(client: Client, change: InterestChange): void {
    const view = client.view;
    if (!view) return;
    for (const id of change.enter) {
      const entity = this.entity(id);
      if (entity) view.add(entity);
    }
    for (const id of change.leave) {
      const entity = this.entity(id);
      if (entity && view.has(entity)) view.remove(entity);
    }
  }

  /**
   * Others far out in a client's view change less often for it: within
   * `fullRateFraction` of the view's reach every patch, half-way to the edge
   * every 2nd, beyond every `farRateEvery`-th (viewRates.ts).
   */
  private attachRates(client: Client, own: Positioned): void {
    const { fullRateFraction, farRateEvery } = this.options;
    if (!client.view || farRateEvery <= 1 || fullRateFraction >= 1) return;
    const rates: ViewRates = { observer: own, fullRadius: 0, halfRadius: 0, farEvery: farRateEvery };
    this.rates.set(client.sessionId, rates);
    setViewRates(client.view, rates);
    this.scaleRates(client.sessionId);
  }

  private scaleRates(sessionId: string): void {
    const rates = this.rates.get(sessionId);
    if (!rates) return;
    const reach = this.interest.extentOf(sessionId);
    rates.fullRadius = reach * this.options.fullRateFraction;
    rates.halfRadius = (rates.fullRadius + reach) / 2;
  }
}
