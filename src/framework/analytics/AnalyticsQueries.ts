import type { GameEventStore } from "../persistence/ports/GameEventStore.js";
import { notFound } from "../util/errors.js";

export interface PlayerSummary {
  characterId: string;
  name: string;
  account: string;
  logins: number;
  levelUps: number;
  missionsCompleted: number;
  itemsAcquired: number;
  currencyEarned: number;
  deaths: number;
  /** Player trades that went through. */
  trades: number;
  pvp: { wins: number; losses: number };
  firstEvent: string | null;
  lastEvent: string | null;
}

export interface DistrictDay {
  district: string;
  day: string;
  /** Characters with at least one event that day. */
  players: number;
  events: Record<string, number>;
  currencyEarned: number;
  itemsAcquired: number;
}

/** Read side of the game events: per-character summaries and per-district daily aggregates. */
export class AnalyticsQueries {
  constructor(private readonly store: GameEventStore) {}

  async player(characterId: string): Promise<PlayerSummary> {
    const who = await this.store.owner(characterId);
    if (!who) throw notFound(`No character ${characterId}`);
    const rows = await this.store.characterTotals(characterId, who.accountId);
    const by = new Map(rows.map((r) => [r.kind, r]));
    const count = (k: string) => by.get(k)?.count ?? 0;
    const sum = (k: string) => by.get(k)?.amount ?? 0;
    const pvp = by.get("pvp_result");
    const times = rows.flatMap((r) => [r.first.getTime(), r.last.getTime()]);
    return {
      characterId,
      name: who.name,
      account: who.username,
      logins: count("login"),
      levelUps: count("level_up"),
      missionsCompleted: count("mission_complete"),
      itemsAcquired: sum("item_acquired"),
      currencyEarned: sum("currency_earned"),
      deaths: count("death"),
      trades: count("trade"),
      pvp: { wins: pvp?.wins ?? 0, losses: (pvp?.count ?? 0) - (pvp?.wins ?? 0) },
      firstEvent: times.length ? new Date(Math.min(...times)).toISOString() : null,
      lastEvent: times.length ? new Date(Math.max(...times)).toISOString() : null,
    };
  }

  /** The last `days` days (UTC), newest first. */
  async districts(days: number): Promise<DistrictDay[]> {
    const totals = await this.store.districtDays(days);
    return totals
      .map((t) => {
        const d: DistrictDay = {
          district: t.district,
          day: t.day,
          players: t.players,
          events: {},
          currencyEarned: 0,
          itemsAcquired: 0,
        };
        for (const k of t.kinds) {
          d.events[k.kind] = k.count;
          if (k.kind === "currency_earned") d.currencyEarned = k.amount;
          if (k.kind === "item_acquired") d.itemsAcquired = k.amount;
        }
        return d;
      })
      .sort((a, b) => b.day.localeCompare(a.day) || a.district.localeCompare(b.district));
  }
}
