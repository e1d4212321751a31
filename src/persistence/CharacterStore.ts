import type { DataSource } from "typeorm";
import { Character, type CharacterStats } from "../../entities/Character.js";
import type { Reputation } from "../sim/missions/reputation.js";
import type { MissionState } from "../sim/missions/types.js";
import type { Metrics } from "../metrics/metrics.js";
import type { Logger } from "../util/logger.js";

/** What a room hands over to be saved: the character's state in play. */
export interface CharacterSnapshot {
  id: string;
  district: string;
  x: number;
  y: number;
  z: number;
  heading: number;
  hp: number;
  maxHp: number;
  level: number;
  experience: number;
  stats: CharacterStats;
  /** Absent: leave the stored value as it is. */
  missions?: MissionState;
  reputation?: Reputation;
  /** Abilities loaded at a hardline (null: starter set); absent: leave the stored value. */
  loadout?: string[] | null;
}

/**
 * Write-behind persistence of characters in play. Rooms `enqueue` snapshots
 * (never awaiting the database inside a tick); a flush writes the newest
 * snapshot of each character in one statement. `saveNow` is for leave,
 * `drain` for shutdown: it resolves only when nothing is pending or in flight.
 *
 * Each snapshot carries a version; the UPDATE applies only if it is newer than
 * the stored one, so a slow older write can never overwrite a newer one.
 */
export class CharacterStore {
  private readonly pending = new Map<string, CharacterSnapshot & { version: number }>();
  private readonly versions = new Map<string, number>();
  private inFlight: Promise<void> = Promise.resolve();
  private flushScheduled = false;

  constructor(
    private readonly db: DataSource,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {}

  async load(characterId: string): Promise<Character | null> {
    const row = await this.db.getRepository(Character).findOneBy({ id: characterId });
    if (row) {
      this.versions.set(row.id, Math.max(this.versions.get(row.id) ?? 0, row.stateVersion));
    }
    return row;
  }

  enqueue(snapshot: CharacterSnapshot): void {
    const version = (this.versions.get(snapshot.id) ?? 0) + 1;
    this.versions.set(snapshot.id, version);
    // Deep copies: the room keeps mutating its own objects after handing them over.
    this.pending.set(snapshot.id, structuredClone({ ...snapshot, version }));
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        void this.flush();
      });
    }
  }

  /** Saves this snapshot (and anything else pending) and waits for the write. */
  async saveNow(snapshot: CharacterSnapshot): Promise<void> {
    this.enqueue(snapshot);
    await this.flush();
  }

  /** Forget the version counter once a character leaves this process. */
  release(characterId: string): void {
    if (!this.pending.has(characterId)) this.versions.delete(characterId);
  }

  /** Writes everything pending; flushes are serialized so versions land in order. */
  flush(): Promise<void> {
    const next = this.inFlight.then(() => this.writePending());
    this.inFlight = next.catch(() => {});
    return next;
  }

  /** Until nothing is pending or in flight, retrying failed writes a few times. */
  async drain(): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      await this.inFlight;
      if (this.pending.size === 0) return;
      await this.flush().catch(() => new Promise((r) => setTimeout(r, 200 * (attempt + 1))));
    }
    if (this.pending.size > 0) {
      throw new Error(`${this.pending.size} character saves could not be written`);
    }
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  private async writePending(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending.clear();
    const end = this.metrics.dbSaveDuration.startTimer();
    try {
      await this.db.query(
        `UPDATE characters AS c SET
           district = v.district, x = v.x, y = v.y, z = v.z, heading = v.heading,
           hp = v.hp, max_hp = v.max_hp, level = v.level, experience = v.experience,
           stats = v.stats, state_version = v.version, saved_at = now(),
           missions = COALESCE(v.missions, c.missions), reputation = COALESCE(v.reputation, c.reputation),
           loadout = CASE WHEN v.loadout_set THEN v.loadout ELSE c.loadout END
         FROM jsonb_to_recordset($1::jsonb) AS v(
           id uuid, district text, x float8, y float8, z float8, heading float8,
           hp int, max_hp int, level int, experience bigint, stats jsonb, version bigint,
           missions jsonb, reputation jsonb, loadout jsonb, loadout_set boolean)
         WHERE c.id = v.id AND c.state_version < v.version`,
        [
          JSON.stringify(
            batch.map((s) => ({
              id: s.id,
              district: s.district,
              x: s.x,
              y: s.y,
              z: s.z,
              heading: s.heading,
              hp: s.hp,
              max_hp: s.maxHp,
              level: s.level,
              experience: s.experience,
              stats: s.stats,
              version: s.version,
              missions: s.missions ?? null,
              reputation: s.reputation ?? null,
              loadout: s.loadout ?? null,
              loadout_set: s.loadout !== undefined,
            })),
          ),
        ],
      );
      end();
    } catch (err) {
      this.metrics.dbSaveFailures.inc();
      // Put the batch back unless a newer snapshot arrived meanwhile.
      for (const s of batch) {
        const newer = this.pending.get(s.id);
        if (!newer || newer.version < s.version) this.pending.set(s.id, s);
      }
      this.log.error({ err, count: batch.length }, "character save failed; will retry");
      throw err;
    }
  }
}
