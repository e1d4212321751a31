import type { DataSource } from "typeorm";
import type {
  CharacterOwner,
  DistrictDayTotals,
  EventKindTotals,
  GameEventStore,
  StoredGameEvent,
} from "../ports/GameEventStore.js";

export class TypeormGameEventStore implements GameEventStore {
  constructor(private readonly db: DataSource) {}

  async append(events: StoredGameEvent[]): Promise<void> {
    await this.db.query(
      `INSERT INTO game_events (at, kind, account_id, character_id, district, amount, data)
       SELECT v.at, v.kind, v.account_id, v.character_id, v.district, v.amount, coalesce(v.data, '{}'::jsonb)
         FROM jsonb_to_recordset($1::jsonb) AS v(at timestamptz, kind text, account_id uuid,
              character_id uuid, district text, amount bigint, data jsonb)`,
      [
        JSON.stringify(
          events.map((e) => ({
            at: e.at.toISOString(),
            kind: e.kind,
            account_id: e.accountId,
            character_id: e.characterId,
            district: e.district,
            amount: e.amount,
            data: e.data,
          })),
        ),
      ],
    );
  }

  async owner(characterId: string): Promise<CharacterOwner | undefined> {
    const row = (
      (await this.db
        .query(
          `SELECT c.name, c.account_id, a.username FROM characters c JOIN accounts a ON a.id = c.account_id
            WHERE c.id = $1`,
          [characterId],
        )
        // An id PostgreSQL cannot read as a uuid names no character either.
        .catch(() => [])) as { name: string; account_id: string; username: string }[]
    )[0];
    return row ? { name: row.name, accountId: row.account_id, username: row.username } : undefined;
  }

  async characterTotals(characterId: string, accountId: string): Promise<EventKindTotals[]> {
    const rows = (await this.db.query(
      `SELECT kind, count(*)::int AS n, coalesce(sum(amount), 0)::bigint AS amount,
              count(*) FILTER (WHERE data->>'result' = 'win')::int AS wins,
              min(at) AS first, max(at) AS last
         FROM game_events
        WHERE character_id = $1 OR (kind = 'login' AND account_id = $2)
        GROUP BY kind`,
      [characterId, accountId],
    )) as {
      kind: string;
      n: number;
      amount: string;
      wins: number;
      first: Date | string;
      last: Date | string;
    }[];
    return rows.map((r) => ({
      kind: r.kind,
      count: r.n,
      amount: Number(r.amount),
      wins: r.wins,
      first: new Date(r.first),
      last: new Date(r.last),
    }));
  }

  async districtDays(days: number): Promise<DistrictDayTotals[]> {
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
    const out = new Map<string, DistrictDayTotals>();
    for (const p of players) {
      out.set(`${p.district}|${p.day}`, { district: p.district, day: p.day, players: p.players, kinds: [] });
    }
    // A kind counted in a (district, day) the second statement did not see (written in between) is left out.
    for (const r of rows) {
      out.get(`${r.district}|${r.day}`)?.kinds.push({ kind: r.kind, count: r.n, amount: Number(r.amount) });
    }
    return [...out.values()];
  }
}
