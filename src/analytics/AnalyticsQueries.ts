import type { DataSource } from "typeorm";
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
  constructor(private readonly db: DataSource) {}

  async player(characterId: string): Promise<PlayerSummary> {
    const who = (
      await this.db
        .query(
          `SELECT c.name, c.account_id, a.username FROM characters c JOIN accounts a ON a.id = c.account_id
            WHERE c.id = $1`,
          [characterId],
        )
        .catch(() => [])
    )[0] as { name: string; account_id: string; username: string } | undefined;
    if (!who) throw notFound(`No character ${characterId}`);
    const rows = (await this.db.query(
      `SELECT kind, count(*)::int AS n, coalesce(sum(amount), 0)::bigint AS amount,
              count(*) FILTER (WHERE data->>'result' = 'win')::int AS wins,
              min(at) AS first, max(at) AS last
         FROM game_events
        WHERE character_id = $1 OR (kind = 'login' AND account_id = $2)
        GROUP BY kind`,
      [characterId, who.account_id],
    )) as { kind: string; n: number; amount: string; wins: number; first: Date; last: Date }[];
    const by = new Map(rows.map((r) => [r.kind, r]));
    const count = (k: string) => by.get(k)?.n ?? 0;
    const sum = (k: string) => Number(by.get(k)?.amount ?? 0);
    const pvp = by.get("pvp_result");
    const times = rows.flatMap((r) => [new Date(r.first).getTime(), new Date(r.last).getTime()]);
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
      pvp: { wins: pvp?.wins ?? 0, losses: (pvp?.n ?? 0) - (pvp?.wins ?? 0) },
      firstEvent: times.length ? new Date(Math.min(...times)).toISOString() : null,
      lastEvent: times.length ? new Date(Math.max(...times)).toISOString() : null,
    };
  }

  /** The last `days` days (UTC), newest first. */
  async districts(days: number): Promise<DistrictDay[]> {
    const rows = (await this.db.query(
      `SELECT district, to_char(date_trunc('day', at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day, kind,
              count(*)::int AS n, coalesce(sum(amount), 0)::bigint AS amount
         FROM game_events
        WHERE district IS NOT NULL AND at >= now() - make_interval(days => $1)
        GROUP BY 1, 2, 3`,
      [days],
    )) as { district: string; day: string; kind: string; n: number; amount: string }[];
    const players = (await this.db.query(
      `SELECT district, to_char(date_trunc('day', at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day,
              count(DISTINCT character_id)::int AS players
         FROM game_events
        WHERE district IS NOT NULL AND at >= now() - make_interval(days => $1)
        GROUP BY 1, 2`,
      [days],
    )) as { district: string; day: string; players: number }[];
    const out = new Map<string, DistrictDay>();
    for (const p of players) {
      out.set(`${p.district}|${p.day}`, {
        district: p.district,
        day: p.day,
        players: p.players,
        events: {},
        currencyEarned: 0,
        itemsAcquired: 0,
      });
    }
    for (const r of rows) {
      const d = out.get(`${r.district}|${r.day}`);
      if (!d) continue;
      d.events[r.kind] = r.n;
      if (r.kind === "currency_earned") d.currencyEarned = Number(r.amount);
      if (r.kind === "item_acquired") d.itemsAcquired = Number(r.amount);
    }
    return [...out.values()].sort(
      (a, b) => b.day.localeCompare(a.day) || a.district.localeCompare(b.district),
    );
  }
}
