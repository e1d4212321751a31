import { randomUUID } from "node:crypto";
import { InsufficientQuantityError } from "../../framework/economy/errors.js";
import { AppError } from "../../framework/util/errors.js";
import type { TradeOffer as TradeOfferView, TradeUpdate } from "../contract/serverMessages.js";
import {
  canCancel,
  checkOffer,
  confirm,
  INFORMATION_ITEM,
  isEmptyTrade,
  openWindow,
  otherSide,
  setOffer,
  sideOf,
  swapGives,
  type TradeOffer,
  type TradeRefusal,
  type TradeSide,
  type TradeWindow,
} from "../rules/trade.js";
import type { DistrictContext } from "./DistrictContext.js";

/** Who trades on a side, kept from the opening: a trader who left has no member any more. */
interface Trader {
  sessionId: string;
  characterId: string;
  accountId: string;
  name: string;
}

interface Trade {
  window: TradeWindow;
  traders: Record<TradeSide, Trader>;
}

/** Attempts at the swap when the database fails (not when the ledger refuses), and the first pause. */
const SWAP_ATTEMPTS = 5;
const SWAP_BACKOFF_MS = 250;

/**
 * The trade windows of this room's players (contract §7 `trade`). The rules
 * are src/mxo/rules/trade.ts; this desk checks offers against what the ledger
 * last said each player holds, and runs the swap through the ledger, once:
 * the window turns `swapping` in the same turn as the last confirm, so no
 * set, confirm or cancel can slip in, and the ledger, keyed by the trade,
 * decides whether anything moved.
 */
export class TradeDesk {
  /** By session id; both traders point at the same trade. */
  private readonly trades = new Map<string, Trade>();

  constructor(private readonly ctx: DistrictContext) {}

  /** The trade a player is in (open or going through). */
  tradeOf(sessionId: string): Trade | undefined {
    return this.trades.get(sessionId);
  }

  /** Opens a window between two players here; both are told at once. Checks are the handler's. */
  open(a: string, b: string): void {
    const trader = (sessionId: string): Trader => {
      const m = this.ctx.members.get(sessionId)!;
      return { sessionId, characterId: m.characterId, accountId: m.accountId, name: m.name };
    };
    const trade: Trade = {
      window: openWindow(randomUUID(), a, b),
      traders: { a: trader(a), b: trader(b) },
    };
    this.trades.set(a, trade);
    this.trades.set(b, trade);
    this.tellBoth(trade, "open");
  }

  /** Replaces the player's side, once the ledger's last reading says it can be handed over. */
  set(sessionId: string, offer: TradeOffer): TradeRefusal | undefined {
    const trade = this.trades.get(sessionId);
    if (!trade) return undefined;
    const side = sideOf(trade.window, sessionId)!;
    const refused = this.check(sessionId, offer) ?? setOffer(trade.window, side, offer);
    if (refused) return refused;
    this.tellBoth(trade, "updated");
    return undefined;
  }

  /** Confirms the current contents; the second confirm starts the swap. */
  confirm(sessionId: string): TradeRefusal | undefined {
    const trade = this.trades.get(sessionId);
    if (!trade) return undefined;
    const w = trade.window;
    const side = sideOf(w, sessionId)!;
    // Since the offer was set, an item may have been equipped or taken away.
    const refused = w.phase === "open" ? this.check(sessionId, w.offers[side]) : undefined;
    if (refused) return refused;
    const outcome = confirm(w, side);
    if (typeof outcome === "object") return outcome;
    if (outcome === "waiting") return void this.tellBoth(trade, "updated");
    const other = otherSide(side);
    const changed = this.check(trade.traders[other].sessionId, w.offers[other]);
    if (changed) {
      const reason = `${trade.traders[other].name} can no longer hand over what was offered; nothing was exchanged`;
      return void this.finish(trade, "cancelled", reason);
    }
    void this.swap(trade);
    return undefined;
  }

  /** A player cancels; refused once the swap is under way. */
  cancel(sessionId: string): TradeRefusal | undefined {
    const trade = this.trades.get(sessionId);
    if (!trade) return undefined;
    const refused = canCancel(trade.window);
    if (refused) return refused;
    const who = trade.traders[sideOf(trade.window, sessionId)!].name;
    this.finish(trade, "cancelled", `${who} cancelled the trade`);
    return undefined;
  }

  /**
   * The player cannot go on trading (disconnected, left, travelling, kicked,
   * defeated): the window closes for the other. A swap already under way
   * finishes; the ledger decides its outcome.
   */
  end(sessionId: string, why: string): void {
    const trade = this.trades.get(sessionId);
    if (!trade || trade.window.phase !== "open") return;
    const who = trade.traders[sideOf(trade.window, sessionId)!].name;
    this.finish(trade, "cancelled", `${who} ${why}`);
  }

  /** Whether the player could hand over the offer, by the ledger's last reading and its equipment. */
  private check(sessionId: string, offer: TradeOffer): TradeRefusal | undefined {
    const m = this.ctx.members.get(sessionId);
    const holds = {
      stacks: m?.holdings?.stacks ?? new Map<string, number>(),
      information: m?.holdings?.information ?? 0,
      equipped: Object.values(m?.equipment ?? {}),
    };
    return checkOffer(offer, holds, (id) => this.ctx.content.item(id));
  }

  private async swap(trade: Trade): Promise<void> {
    const { window: w, traders } = trade;
    if (isEmptyTrade(w)) return this.finish(trade, "done");
    const gives = swapGives(w);
    const op = {
      a: traders.a.characterId,
      b: traders.b.characterId,
      aGives: gives.a,
      bGives: gives.b,
      idempotencyKey: `trade:${w.id}`,
      reason: `trade between ${traders.a.name} and ${traders.b.name}`,
      actor: "trade",
    };
    const { ledger, log } = this.ctx.services;
    for (let attempt = 1; ; attempt++) {
      try {
        await ledger.swap(op);
        break;
      } catch (err) {
        // A refusal is final; anything else (the database) is retried under the same key, which applies once.
        const refused = err instanceof AppError;
        if (refused || attempt >= SWAP_ATTEMPTS) {
          log.warn({ err, trade: w.id, attempt }, "trade swap failed");
          await this.refreshBoth(trade);
          return this.finish(trade, "failed", this.failure(trade, err));
        }
        await new Promise((r) => setTimeout(r, SWAP_BACKOFF_MS * 2 ** (attempt - 1)));
      }
    }
    await this.refreshBoth(trade);
    this.finish(trade, "done");
    for (const side of ["a", "b"] as const) this.record(trade, side);
  }

  private refreshBoth(trade: Trade): Promise<unknown> {
    const { inventory } = this.ctx;
    return Promise.all([inventory.refresh(trade.window.a), inventory.refresh(trade.window.b)]);
  }

  /** Why the ledger did not move anything, in a player's words. */
  private failure(trade: Trade, err: unknown): string {
    if (err instanceof InsufficientQuantityError) {
      const who = err.characterId === trade.traders.a.characterId ? trade.traders.a : trade.traders.b;
      const what = err.itemId === INFORMATION_ITEM ? "Information" : this.itemName(err.itemId);
      return `${who.name} no longer has the ${what} offered; nothing was exchanged`;
    }
    if (err instanceof AppError) return "The trade was refused; nothing was exchanged";
    return "The trade could not be completed right now; check your inventory and try again";
  }

  /** Closes the window for both; `failed` is told as `cancelled`, with the reason. */
  private finish(trade: Trade, result: "done" | "cancelled" | "failed", reason?: string): void {
    for (const id of [trade.window.a, trade.window.b]) {
      if (this.trades.get(id) === trade) this.trades.delete(id);
    }
    this.ctx.services.metrics.trades.inc({ result });
    this.tellBoth(trade, result === "done" ? "done" : "cancelled", reason);
  }

  private tellBoth(trade: Trade, state: TradeUpdate["state"], reason?: string): void {
    for (const side of ["a", "b"] as const) {
      const other = otherSide(side);
      const update: TradeUpdate = {
        state,
        with: trade.traders[other].name,
        mine: this.view(trade.window.offers[side]),
        theirs: this.view(trade.window.offers[other]),
        confirmed: { mine: trade.window.confirmed[side], theirs: trade.window.confirmed[other] },
        ...(reason ? { reason } : {}),
      };
      this.ctx.tell([trade.traders[side].sessionId], "trade", update);
    }
  }

  private view(offer: TradeOffer): TradeOfferView {
    return {
      items: offer.items.map((i) => ({ itemId: i.itemId, name: this.itemName(i.itemId), qty: i.qty })),
      information: offer.information,
    };
  }

  private itemName(itemId: string): string {
    return this.ctx.content.item(itemId)?.name ?? itemId;
  }

  /** Analytics: one `trade` event per side, what it gave and got (recorded even if it left meanwhile). */
  private record(trade: Trade, side: TradeSide): void {
    const me = trade.traders[side];
    const other = trade.traders[otherSide(side)];
    const gives = swapGives(trade.window);
    this.ctx.services.events.record({
      kind: "trade",
      accountId: me.accountId,
      characterId: me.characterId,
      district: this.ctx.def.id,
      amount: trade.window.offers[side].information,
      data: {
        trade: trade.window.id,
        with: other.characterId,
        gave: gives[side],
        got: gives[otherSide(side)],
      },
    });
  }
}
