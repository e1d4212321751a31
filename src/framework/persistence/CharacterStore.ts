import type { DataSource } from "typeorm";
import { Character, type GameData } from "../../../entities/Character.js";
import type { Metrics } from "../metrics/metrics.js";
import type { Logger } from "../util/logger.js";
import { returnedRows } from "./typeorm/sql.js";

/** What a room hands over to be saved: the character's state in play. */
export interface CharacterSnapshot {
  id: string;
  district: string;
  x: number;
  y: number;
  z: number;
  heading: number;
  /** Fields of the built-in character model; a game that does not use one leaves it out (kept as stored). */
  hp?: number;
  maxHp?: number;
  level?: number;
  experience?: number;
  /** The built-in model's JSON columns (MxO's attributes, missions and reputation), stored as given. */
  stats?: object;
  /** The game's own fields (merged into what is stored); absent: left as stored. */
  data?: GameData;
  /** Absent: leave the stored value as it is. */
  missions?: object;
  reputation?: object;
  /** Abilities loaded at a hardline (null: starter set); absent: leave the stored value. */
  loadout?: string[] | null;
}

/** A claim either loads the character for its new owner, or names who still holds it. */
export type Claim = { character: Character } | { heldBy: string } | { missing: true };

/** How a write ended: stored, or refused because this process no longer owns the character. */
export type WriteOutcome = "stored" | "lost";

interface Ownership {
  owner: string;
  epoch: number;
}

interface Pending extends CharacterSnapshot, Ownership {
  version: number;
  /** The last write of this session: it also gives the character up. */
  release: boolean;
  /** False: one attempt only (the caller decides what a failure means). */
  retry: boolean;
}

interface Waiter {
  version: number;
  resolve(outcome: WriteOutcome): void;
  reject(err: Error): void;
}

/** Retries of failed writes back off to this, so a database outage is not hammered. */
const MAX_RETRY_DELAY_MS = 4000;

/**
 * Write-behind persistence of characters in play, fenced by ownership.
 *
 * A session `claim`s a character before loading it: the row records the owner
 * and a new epoch. Every save names both, so a snapshot of an older session —
 * on this process or another, however late it arrives — can never land over
 * a newer session's state. The last save of a session (`release`) also clears
 * the owner, in the same statement, so whoever claims next reads exactly it.
 *
 * Rooms `enqueue` snapshots (never awaiting the database inside a tick); a
 * flush writes the newest snapshot of each character in one statement, in
 * order. Failed writes are kept and retried with backoff until they land or
 * the ownership is found lost; `drain` waits for all of it at shutdown.
 */
export class CharacterStore {
  private readonly pending = new Map<string, Pending>();
  private readonly versions = new Map<string, number>();
  private readonly owned = new Map<string, Ownership>();
  private readonly waiters = new Map<string, Waiter[]>();
  private inFlight: Promise<void> = Promise.resolve();
  private flushScheduled = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  /** Told when a save or heartbeat finds that another session owns a character now. */
  onLost: (characterId: string) => void = () => {};

  constructor(
    private readonly db: DataSource,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    /** A claim not renewed for this long may be taken (its process stopped renewing without letting go). */
    private readonly ownershipTtlSeconds = 30,
  ) {}

  /** Reads a character without claiming it (ownership checks before a seat is reserved). */
  async load(characterId: string): Promise<Character | null> {
    return this.db.getRepository(Character).findOneBy({ id: characterId });
  }

  /**
   * Makes `owner` the character's owner and loads it — unless another owner
   * holds it: alive (renewed lately) and not `takeFrom`, a holder known to be
   * dead.
   */
  async claim(characterId: string, owner: string, takeFrom?: string): Promise<Claim> {
    // One round trip: the claim returns the row it claimed. RETURNING, not a SELECT beside it: a
    // claim that waited for the last holder's release write sees (and returns) the row as that write
    // left it, where a SELECT in the same statement would read the older snapshot.
    const rows = returnedRows<Record<string, unknown>>(
      await this.db.query(
        `UPDATE characters SET owner = $2, owner_epoch = owner_epoch + 1,
                owner_until = now() + make_interval(secs => $3)
          WHERE id = $1 AND (owner IS NULL OR owner = $2 OR owner = $4 OR owner_until < now())
          RETURNING *`,
        [characterId, owner, this.ownershipTtlSeconds, takeFrom ?? ""],
      ),
    );
    const character = rows[0] && this.hydrate(rows[0]);
    if (!character) {
      const [row] = (await this.db.query(`SELECT owner FROM characters WHERE id = $1`, [characterId])) as {
        owner: string | null;
      }[];
      if (!row) return { missing: true };
      // Let go between the two statements: the caller simply claims again.
      return { heldBy: row.owner ?? "" };
    }
    this.owned.set(characterId, { owner, epoch: Number(rows[0]!.owner_epoch) });
    this.versions.set(characterId, Math.max(this.versions.get(characterId) ?? 0, character.stateVersion));
    return { character };
  }

  /** A characters row as the entity a repository read gives (column names, types, transformers). */
  private hydrate(row: Record<string, unknown>): Character {
    const meta = this.db.getMetadata(Character);
    const character = meta.create() as Character;
    for (const column of meta.columns)
      column.setEntityValue(character, this.db.driver.prepareHydratedValue(row[column.databaseName], column));
    return character;
  }

  /** Gives up a claim without saving (a join that failed after claiming). */
  async disown(characterId: string): Promise<void> {
    const own = this.owned.get(characterId);
    if (!own) return;
    this.forget(characterId);
    await this.db.query(
      `UPDATE characters SET owner = NULL, owner_until = NULL WHERE id = $1 AND owner = $2 AND owner_epoch = $3`,
      [characterId, own.owner, own.epoch],
    );
  }

  owns(characterId: string): boolean {
    return this.owned.has(characterId);
  }

  /** Queues a snapshot for the next flush (autosave); the tick never waits for it. */
  enqueue(snapshot: CharacterSnapshot): void {
    void this.queue(snapshot, false, true)?.catch(() => {});
  }

  /**
   * Saves this snapshot and waits until it is stored, or found lost. With
   * `release`, the same statement gives the character up. With `retry`
   * (default), a failure is retried until it lands, however long the outage;
   * without, the first failure is thrown and nothing stays queued.
   */
  write(
    snapshot: CharacterSnapshot,
    opts: { release?: boolean; retry?: boolean } = {},
  ): Promise<WriteOutcome> {
    const done = this.queue(snapshot, opts.release ?? false, opts.retry ?? true);
    if (!done) return Promise.resolve("lost");
    void this.flush().catch(() => {});
    return done;
  }

  /** Extends this process's claims; reports the characters another session owns now. */
  async heartbeat(): Promise<string[]> {
    if (this.owned.size === 0) return [];
    const held = [...this.owned].map(([id, o]) => ({ id, owner: o.owner, epoch: o.epoch }));
    const kept = new Set(
      returnedRows<{ id: string }>(
        await this.db.query(
          `UPDATE characters AS c SET owner_until = now() + make_interval(secs => $2)
             FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, owner text, epoch bigint)
            WHERE c.id = v.id AND c.owner = v.owner AND c.owner_epoch = v.epoch
            RETURNING c.id`,
          [JSON.stringify(held), this.ownershipTtlSeconds],
        ),
      ).map((r) => r.id),
    );
    // A claim may have ended while the heartbeat ran; only a claim still held and not renewed is lost.
    const lost = held
      .filter((h) => !kept.has(h.id) && this.owned.get(h.id)?.epoch === h.epoch)
      .map((h) => h.id);
    for (const id of lost) this.lose(id);
    return lost;
  }

  /** Writes everything pending; flushes are serialized so versions land in order. */
  flush(): Promise<void> {
    const next = this.inFlight.then(() => this.writePending());
    this.inFlight = next.catch(() => {});
    return next;
  }

  /** Until nothing is pending or in flight (retries included), or `timeoutMs` passes. */
  async drain(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.pending.size > 0 || this.waiters.size > 0) {
      await this.flush().catch(() => {});
      if (this.pending.size === 0) break;
      if (Date.now() > deadline) {
        throw new Error(`${this.pending.size} character saves could not be written`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  private queue(
    snapshot: CharacterSnapshot,
    release: boolean,
    retry: boolean,
  ): Promise<WriteOutcome> | undefined {
    const own = this.owned.get(snapshot.id);
    if (!own) return undefined; // not ours (any more): nothing of it may be written
    const version = (this.versions.get(snapshot.id) ?? 0) + 1;
    this.versions.set(snapshot.id, version);
    // Deep copies: the room keeps mutating its own objects after handing them over.
    this.pending.set(snapshot.id, { ...structuredClone(snapshot), ...own, version, release, retry });
    if (release) this.owned.delete(snapshot.id); // nothing after the last write
    const done = new Promise<WriteOutcome>((resolve, reject) => {
      const list = this.waiters.get(snapshot.id) ?? [];
      list.push({ version, resolve, reject });
      this.waiters.set(snapshot.id, list);
    });
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        void this.flush().catch(() => {});
      });
    }
    return done;
  }

  private async writePending(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending.clear();
    const end = this.metrics.dbSaveDuration.startTimer();
    let stored: Set<string>;
    try {
      stored = new Set(returnedRows<{ id: string }>(await this.update(batch)).map((r) => r.id));
      end();
    } catch (err) {
      this.metrics.dbSaveFailures.inc();
      for (const s of batch) {
        if (!s.retry) {
          this.settle(s.id, s.version, err as Error);
          if (s.release) this.owned.set(s.id, { owner: s.owner, epoch: s.epoch }); // still ours
          continue;
        }
        // Put the batch back unless a newer snapshot arrived meanwhile.
        const newer = this.pending.get(s.id);
        if (!newer || newer.version < s.version) this.pending.set(s.id, s);
      }
      if (this.failures++ % 20 === 0) {
        this.log.error(
          { err, count: batch.length, failures: this.failures },
          "character save failed; will retry",
        );
      }
      this.scheduleRetry();
      throw err;
    }
    if (this.failures > 0) this.log.info({ failures: this.failures }, "character saves resumed");
    this.failures = 0;
    for (const s of batch) {
      if (stored.has(s.id)) {
        this.settle(s.id, s.version, "stored");
        if (s.release) this.forget(s.id);
      } else {
        // Another session claimed it meanwhile: this copy's state must not land.
        this.log.warn({ character: s.id, owner: s.owner }, "save refused: the character has a newer owner");
        this.settle(s.id, s.version, "lost");
        this.lose(s.id);
      }
    }
  }

  private update(batch: Pending[]): Promise<unknown> {
    return this.db.query(
      `UPDATE characters AS c SET
         district = v.district, x = v.x, y = v.y, z = v.z, heading = v.heading,
         hp = COALESCE(v.hp, c.hp), max_hp = COALESCE(v.max_hp, c.max_hp), level = COALESCE(v.level, c.level),
         experience = COALESCE(v.experience, c.experience), stats = COALESCE(v.stats, c.stats),
         game_data = c.game_data || COALESCE(v.data, '{}'::jsonb), state_version = v.version, saved_at = now(),
         missions = COALESCE(v.missions, c.missions), reputation = COALESCE(v.reputation, c.reputation),
         loadout = CASE WHEN v.loadout_set THEN v.loadout ELSE c.loadout END,
         owner = CASE WHEN v.release THEN NULL ELSE c.owner END,
         owner_until = CASE WHEN v.release THEN NULL ELSE now() + make_interval(secs => $2) END
       FROM jsonb_to_recordset($1::jsonb) AS v(
         id uuid, district text, x float8, y float8, z float8, heading float8,
         hp int, max_hp int, level int, experience bigint, stats jsonb, version bigint,
         missions jsonb, reputation jsonb, loadout jsonb, loadout_set boolean, data jsonb,
         owner text, epoch bigint, release boolean)
       WHERE c.id = v.id AND c.owner = v.owner AND c.owner_epoch = v.epoch AND c.state_version < v.version
       RETURNING c.id`,
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
            data: s.data ?? null,
            owner: s.owner,
            epoch: s.epoch,
            release: s.release,
          })),
        ),
        this.ownershipTtlSeconds,
      ],
    );
  }

  private scheduleRetry(): void {
    if (this.retryTimer || this.pending.size === 0) return;
    const delay = Math.min(250 * 2 ** Math.min(this.failures, 5), MAX_RETRY_DELAY_MS);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.flush().catch(() => {});
    }, delay);
  }

  /** Resolves (or rejects) the waiters of every version up to `version`. */
  private settle(id: string, version: number, outcome: WriteOutcome | Error): void {
    const list = this.waiters.get(id);
    if (!list) return;
    const left = list.filter((w) => {
      if (w.version > version) return true;
      if (outcome instanceof Error) w.reject(outcome);
      else w.resolve(outcome);
      return false;
    });
    if (left.length > 0) this.waiters.set(id, left);
    else this.waiters.delete(id);
  }

  private lose(id: string): void {
    const pending = this.pending.get(id);
    if (pending) this.settle(id, pending.version, "lost");
    this.pending.delete(id);
    const had = this.owned.has(id);
    this.forget(id);
    if (had) this.onLost(id);
  }

  private forget(id: string): void {
    this.owned.delete(id);
    if (!this.pending.has(id) && !this.waiters.has(id)) this.versions.delete(id);
  }
}
