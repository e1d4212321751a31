import { randomUUID } from "node:crypto";
import { matchMaker } from "@colyseus/core";
import type { DataSource } from "typeorm";
import type { CharacterStats } from "../mxo/rules/characterRules.js";
import type { CharacterLease, LeaseEntry } from "../cluster/CharacterLease.js";
import type { ClusterBus } from "../cluster/ClusterBus.js";
import type { ContentPack } from "../content/ContentPack.js";
import type { DistrictCatalog } from "../content/districts.js";
import type { LedgerService } from "../economy/LedgerService.js";
import { ChatHistory } from "../social/ChatHistory.js";
import type { ChatLine } from "../cluster/ClusterBus.js";
import type { GmStat } from "../mxo/rules/simulation/DistrictSimulation.js";
import { returnedRows } from "../persistence/sql.js";
import { maxHealth } from "../mxo/rules/characterRules.js";
import type { Sanctions } from "./Sanctions.js";
import { AppError, notFound } from "../util/errors.js";
import type { GmOp, GmOpResult } from "./GmOp.js";
import type { ResolvedTarget, TargetRef } from "../commands/Command.js";

/** Room refusals that mean "not found" or "bad argument" rather than a conflict (contract: 404/400/409). */
const ROOM_REFUSAL_STATUS: Record<string, number> = {
  player_offline: 404,
  not_found: 404,
  unknown_district: 400,
};

/** A character as stored, for commands that also work on offline characters. */
export interface StoredCharacter {
  id: string;
  accountId: string;
  username: string;
  name: string;
  district: string;
  x: number;
  y: number;
  z: number;
  level: number;
  experience: number;
  hp: number;
  maxHp: number;
  stats: CharacterStats;
}

/** The lease's room while a GM changes an offline character: no room to call there. */
const GM_HOLD = "gm";

/** How long a GM command waits for the room holding its target, on any process. */
const ROOM_CALL_TIMEOUT_MS = 3000;

/** No session holds the character's row (src/persistence/CharacterStore.ts claims). */
const UNCLAIMED = "(n.owner IS NULL OR n.owner_until < now())";

/**
 * What GM commands act on: characters found by name (online on any process
 * through the lease directory, or in the database), the room that holds
 * one (reached through presence, wherever it runs), accounts, the ledger and
 * the cluster bus.
 */
export class GmWorld {
  constructor(
    readonly db: DataSource,
    readonly lease: CharacterLease,
    readonly ledger: LedgerService,
    readonly bus: ClusterBus,
    readonly districts: DistrictCatalog,
    readonly sanctions: Sanctions,
    readonly chatBySpeaker: ChatHistory,
    /** The content pack running now (it changes with deploys). */
    readonly content: () => ContentPack,
  ) {}

  /** The character by name (case-insensitive) from the database; 404 when nobody has that name. */
  async character(name: string): Promise<StoredCharacter> {
    const row = (
      await this.db.query(
        `SELECT c.id, c.account_id, a.username, c.name, c.district, c.x, c.y, c.z, c.level, c.experience,
                c.hp, c.max_hp, c.stats
           FROM characters c JOIN accounts a ON a.id = c.account_id
          WHERE lower(c.name) = lower($1)`,
        [name],
      )
    )[0] as Record<string, unknown> | undefined;
    if (!row) throw notFound(`No character named "${name}"`);
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
      stats: row.stats as CharacterStats,
    };
  }

  /**
   * The account a target names: a character by its name, or an account by
   * its username, as the reference says; 404 when there is none.
   */
  async resolve(ref: TargetRef): Promise<ResolvedTarget> {
    if (ref.kind === "account") {
      const account = await this.sanctions.byUsername(ref.name);
      return { accountId: account.id, username: account.username, label: `account:${account.username}` };
    }
    const row = (
      await this.db.query(
        `SELECT c.id, c.name, c.account_id, a.username
           FROM characters c JOIN accounts a ON a.id = c.account_id WHERE lower(c.name) = lower($1)`,
        [ref.name],
      )
    )[0] as { id: string; name: string; account_id: string; username: string } | undefined;
    if (!row) throw notFound(`No character named "${ref.name}"`);
    return {
      accountId: row.account_id,
      username: row.username,
      character: { id: row.id, name: row.name },
      label: row.name,
    };
  }

  /** Where a character is in play right now, on any process; undefined when offline. */
  async whereIs(name: string): Promise<LeaseEntry | undefined> {
    const entry = await this.lease.findByName(name);
    // Held by another GM's offline change: not in play, and no room answers for it.
    return entry && entry.roomId !== GM_HOLD ? entry : undefined;
  }

  /** Like `whereIs`, but an offline target is an error naming it. */
  async online(name: string): Promise<LeaseEntry> {
    const entry = await this.whereIs(name);
    if (!entry) throw new AppError("player_offline", 404, `${name} is not online`);
    return entry;
  }

  /** Lines the character said lately, on any channel, newest last. */
  async recentChatOf(name: string): Promise<ChatLine[]> {
    return this.chatBySpeaker.recent(ChatHistory.speakerKey(name));
  }

  /**
   * Changes an offline character in the database. The GM holds the
   * character's lease meanwhile, so a join cannot load it half-changed or
   * overwrite the change with an older copy; and the change applies only
   * while no session claims the row (the fence that holds when Redis lost
   * the leases).
   */
  async setStoredStat(c: StoredCharacter, stat: GmStat, value: number): Promise<number> {
    const entry: LeaseEntry = {
      characterId: c.id,
      name: c.name,
      accountId: c.accountId,
      organization: "",
      district: c.district,
      roomId: GM_HOLD,
      processId: matchMaker.processId,
      sessionId: `gm-${randomUUID()}`,
    };
    if (!(await this.lease.acquire(entry))) {
      throw new AppError(
        "player_busy",
        409,
        `${c.name} just came online or another GM is changing it; try again`,
      );
    }
    try {
      let previous: number;
      if (stat === "level" || stat === "experience" || stat === "hp") {
        const column = stat;
        const row = returnedRows<{ previous: string | number }>(
          await this.db.query(
            `UPDATE characters n SET ${column} = $2, state_version = n.state_version + 1
               FROM characters o WHERE n.id = o.id AND n.id = $1 AND ${UNCLAIMED}
             RETURNING o.${column} AS previous`,
            [c.id, value],
          ),
        )[0];
        if (!row) throw new AppError("player_online", 409, `${c.name} just came online; try again`);
        previous = Number(row.previous);
      } else {
        const row = returnedRows<{ previous: CharacterStats }>(
          await this.db.query(
            `UPDATE characters n SET stats = jsonb_set(n.stats, $3::text[], to_jsonb($2::int)),
                    state_version = n.state_version + 1
               FROM characters o WHERE n.id = o.id AND n.id = $1 AND ${UNCLAIMED}
             RETURNING o.stats AS previous`,
            [c.id, value, `{${stat}}`],
          ),
        )[0];
        if (!row) throw new AppError("player_online", 409, `${c.name} just came online; try again`);
        previous = Number(row.previous[stat]);
      }
      if (stat === "level" || stat === "vitality") {
        // Max HP follows level and vitality, by the same rule as the running game.
        const now = (await this.db.query(`SELECT level, stats FROM characters WHERE id = $1`, [c.id]))[0] as {
          level: number;
          stats: CharacterStats;
        };
        const maxHp = maxHealth(now.stats, now.level);
        await this.db.query(
          `UPDATE characters n SET max_hp = $2, hp = LEAST(hp, $2) WHERE id = $1 AND ${UNCLAIMED}`,
          [c.id, maxHp],
        );
      }
      return previous;
    } finally {
      await this.lease.release(entry);
    }
  }

  /**
   * Runs one operation in the room that holds `entry`'s character, on
   * whichever process that is (a local room answers directly).
   */
  async act<O extends GmOp>(roomId: string, op: O): Promise<GmOpResult<O>> {
    let result: { ok: true; value: unknown } | { ok: false; code: string; message: string };
    try {
      result = (await matchMaker.remoteRoomCall(
        roomId,
        "gmAct" as never,
        [op],
        ROOM_CALL_TIMEOUT_MS,
      )) as typeof result;
    } catch (err) {
      throw new AppError(
        "target_unreachable",
        503,
        `The room holding the target did not answer (${(err as Error).message})`,
      );
    }
    if (!result || !result.ok) {
      const code = result?.code ?? "gm_failed";
      throw new AppError(code, ROOM_REFUSAL_STATUS[code] ?? 409, result?.message ?? "The room refused");
    }
    return result.value as GmOpResult<O>;
  }
}
