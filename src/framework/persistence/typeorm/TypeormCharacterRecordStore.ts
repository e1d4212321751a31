import type { DataSource } from "typeorm";
import { returnedRows } from "./sql.js";
import type {
  CharacterField,
  CharacterOwnership,
  CharacterRecord,
  CharacterRecordStore,
} from "../ports/CharacterRecordStore.js";

/** No session holds the character's row (src/framework/persistence/CharacterStore.ts claims). */
const UNCLAIMED = "(n.owner IS NULL OR n.owner_until < now())";

export class TypeormCharacterRecordStore implements CharacterRecordStore {
  constructor(private readonly db: DataSource) {}

  async byName(name: string): Promise<CharacterRecord | undefined> {
    const row = (
      (await this.db.query(
        `SELECT c.id, c.account_id, a.username, c.name, c.district, c.x, c.y, c.z, c.level, c.experience,
                c.hp, c.max_hp, c.stats
           FROM characters c JOIN accounts a ON a.id = c.account_id
          WHERE lower(c.name) = lower($1)`,
        [name],
      )) as Record<string, unknown>[]
    )[0];
    if (!row) return undefined;
    return {
      id: String(row.id),
      accountId: String(row.account_id),
      username: String(row.username),
      name: String(row.name),
      district: String(row.district),
      x: Number(row.x),
      y: Number(row.y),
      z: Number(row.z),
      level: Number(row.level),
      experience: Number(row.experience),
      hp: Number(row.hp),
      maxHp: Number(row.max_hp),
      stats: row.stats,
    };
  }

  async ownershipByName(name: string): Promise<CharacterOwnership | undefined> {
    const row = (
      (await this.db.query(
        `SELECT c.id, c.name, c.account_id, a.username
           FROM characters c JOIN accounts a ON a.id = c.account_id WHERE lower(c.name) = lower($1)`,
        [name],
      )) as { id: string; name: string; account_id: string; username: string }[]
    )[0];
    return row
      ? { id: row.id, name: row.name, accountId: row.account_id, username: row.username }
      : undefined;
  }

  async setField(id: string, field: CharacterField, value: number): Promise<number | undefined> {
    const column = { level: "level", experience: "experience", hp: "hp" }[field];
    const row = returnedRows<{ previous: string | number }>(
      await this.db.query(
        `UPDATE characters n SET ${column} = $2, state_version = n.state_version + 1
           FROM characters o WHERE n.id = o.id AND n.id = $1 AND ${UNCLAIMED}
         RETURNING o.${column} AS previous`,
        [id, value],
      ),
    )[0];
    return row ? Number(row.previous) : undefined;
  }

  async setStat(id: string, stat: string, value: number): Promise<number | undefined> {
    const row = returnedRows<{ previous: Record<string, number> }>(
      await this.db.query(
        `UPDATE characters n SET stats = jsonb_set(n.stats, $3::text[], to_jsonb($2::int)),
                state_version = n.state_version + 1
           FROM characters o WHERE n.id = o.id AND n.id = $1 AND ${UNCLAIMED}
         RETURNING o.stats AS previous`,
        [id, value, `{${stat}}`],
      ),
    )[0];
    return row ? Number(row.previous[stat]) : undefined;
  }

  async levelAndStats(id: string): Promise<{ level: number; stats: unknown } | undefined> {
    return (
      (await this.db.query(`SELECT level, stats FROM characters WHERE id = $1`, [id])) as {
        level: number;
        stats: unknown;
      }[]
    )[0];
  }

  async setMaxHp(id: string, maxHp: number): Promise<void> {
    await this.db.query(
      `UPDATE characters n SET max_hp = $2, hp = LEAST(hp, $2) WHERE id = $1 AND ${UNCLAIMED}`,
      [id, maxHp],
    );
  }
}
