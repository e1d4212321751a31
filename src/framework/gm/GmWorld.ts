import { randomUUID } from "node:crypto";
import { matchMaker } from "@colyseus/core";
import type { CharacterLease, LeaseEntry } from "../cluster/CharacterLease.js";
import type { ClusterBus } from "../cluster/ClusterBus.js";
import type { ZoneCatalog } from "../zone/ZoneCatalog.js";
import type { LedgerService } from "../economy/LedgerService.js";
import { ChatHistory } from "../social/ChatHistory.js";
import type { ChatLine } from "../cluster/ClusterBus.js";
import type { CharacterRecord, CharacterRecordStore } from "../persistence/ports/CharacterRecordStore.js";
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
export type StoredCharacter = CharacterRecord;

/** The lease's room while a GM changes an offline character: no room to call there. */
const GM_HOLD = "gm";

/** How long a GM command waits for the room holding its target, on any process. */
const ROOM_CALL_TIMEOUT_MS = 3000;

/**
 * What GM commands act on: characters found by name (online on any process
 * through the lease directory, or in the database), the room that holds
 * one (reached through presence, wherever it runs), accounts, the ledger and
 * the cluster bus.
 */
export class GmWorld {
  constructor(
    /** Characters as stored, for commands that change them offline. */
    readonly characters: CharacterRecordStore,
    readonly lease: CharacterLease,
    readonly ledger: LedgerService,
    readonly bus: ClusterBus,
    /** The game's zones (MxO: its districts). */
    readonly zones: ZoneCatalog,
    readonly sanctions: Sanctions,
    readonly chatBySpeaker: ChatHistory,
  ) {}

  /** The character by name (case-insensitive) from the database; 404 when nobody has that name. */
  async character(name: string): Promise<StoredCharacter> {
    const row = await this.characters.byName(name);
    if (!row) throw notFound(`No character named "${name}"`);
    return row;
  }

  /**
   * The account a target names: a character by its name, or an account by
   * its username or id, as the reference says; 404 when there is none.
   */
  async resolve(ref: TargetRef): Promise<ResolvedTarget> {
    if (ref.kind !== "character") {
      const account =
        ref.kind === "accountId"
          ? await this.sanctions.accountById(ref.id)
          : await this.sanctions.byUsername(ref.name);
      return { accountId: account.id, username: account.username, label: `account:${account.username}` };
    }
    const row = await this.characters.ownershipByName(ref.name);
    if (!row) throw notFound(`No character named "${ref.name}"`);
    return {
      accountId: row.accountId,
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
   * Runs `change` on an offline character in the database (a game's
   * offline command: MxO's `setstat`). The GM holds the character's lease
   * meanwhile, so a join cannot load it half-changed or overwrite the change
   * with an older copy; `change` writes only while no session claims the row
   * (the fence that holds when Redis lost the leases) and returns undefined
   * when one did.
   */
  async changeOffline<T>(c: StoredCharacter, change: () => Promise<T | undefined>): Promise<T> {
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
      const done = await change();
      if (done === undefined)
        throw new AppError("player_online", 409, `${c.name} just came online; try again`);
      return done;
    } finally {
      await this.lease.release(entry);
    }
  }

  /**
   * Runs one operation in the room that holds `entry`'s character, on
   * whichever process that is (a local room answers directly).
   */
  act<O extends GmOp>(roomId: string, op: O): Promise<GmOpResult<O>>;
  /** A game's own operation (MxO's: `actMxo`), answered as the game's room says. */
  act(roomId: string, op: { op: string }): Promise<unknown>;
  async act(roomId: string, op: { op: string }): Promise<unknown> {
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
    return result.value;
  }
}
