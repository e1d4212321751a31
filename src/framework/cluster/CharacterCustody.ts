import { matchMaker, type Presence } from "@colyseus/core";
import type { Character } from "../../../entities/Character.js";
import type { CharacterSnapshot, CharacterStore } from "../persistence/CharacterStore.js";
import { withSpan } from "../tracing/tracing.js";
import { AppError } from "../util/errors.js";
import type { Logger } from "../util/logger.js";
import { ownerOf, type CharacterLease, type LeaseEntry } from "./CharacterLease.js";
import type { ClusterBus } from "./ClusterBus.js";

/** How long a join waits for another session to hand a character over. */
const TAKEOVER_WAIT_MS = 8000;
/** How long a leave waits for its last save before the rest goes on in the background. */
const LEAVE_WAIT_MS = 3000;

/** The character is held by a live session, or its last state is still being stored. */
export class CharacterBusyError extends AppError {
  constructor(name: string) {
    super(
      "character_busy",
      409,
      `${name} is still in play or being saved on another server; try again in a few seconds`,
    );
  }
}

interface Held {
  entry: LeaseEntry;
  /** The session must stop: another one owns the character now. */
  onLost: () => void;
  /** Set once the session ended: its last save (and then its release) is under way. */
  leaving?: Promise<void>;
}

const processOf = (owner: string) => owner.slice(0, owner.indexOf("/"));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Who plays which character, on every process, and the one way a session
 * gets, keeps and gives up a character:
 *
 * - take: the lease (Redis, or in-process), then the claim on the database row
 *   (a new epoch that fences every older session's saves). A live holder is
 *   asked to save and let go; a holder whose process died is taken from.
 * - keep: leases and claims are renewed together; a session that finds either
 *   taken by someone else (Redis restarted empty and another join got in) is
 *   told to stop, and its saves are refused from then on.
 * - let go: the last state is stored, with the claim released in the same
 *   statement, and only then the lease. While the database is down the
 *   character stays held (lease renewed, save retried in order), so nobody
 *   can load a stale copy in the meantime.
 */
export class CharacterCustody {
  private readonly held = new Map<string, Held>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly lease: CharacterLease,
    private readonly store: CharacterStore,
    private readonly bus: ClusterBus,
    private readonly presence: Presence,
    private readonly log: Logger,
  ) {
    store.onLost = (characterId) => this.lost((h) => h.entry.characterId === characterId, "database claim");
    // Renew well inside the TTL so a slow tick or a short outage never loses a live hold.
    this.timer = setInterval(() => void this.renew(), (lease.ttlSeconds * 1000) / 3);
    this.timer.unref();
  }

  /** Takes the character for `entry`'s session and loads it. */
  async take(entry: LeaseEntry, onLost: () => void): Promise<Character> {
    const deadline = Date.now() + TAKEOVER_WAIT_MS;
    const attributes = { "mxo.character.id": entry.characterId };
    await withSpan("character.lease", { attributes }, () => this.acquireLease(entry, deadline));
    try {
      const character = await withSpan("character.load", { attributes }, () => this.claim(entry, deadline));
      this.held.set(ownerOf(entry), { entry, onLost });
      return character;
    } catch (err) {
      await this.lease.release(entry).catch(() => {});
      throw err;
    }
  }

  /** A session that took the character but could not start: give it up unchanged. */
  async abandon(entry: LeaseEntry): Promise<void> {
    this.held.delete(ownerOf(entry));
    await this.store.disown(entry.characterId).catch((err) => this.log.warn({ err }, "disown failed"));
    await this.lease.release(entry).catch(() => {});
  }

  /**
   * The session ended: store its last state and let go. Waits a moment for
   * the save; if the database is down, the character stays held and the save
   * retried until it lands (`drain` waits for it at shutdown).
   */
  async letGo(entry: LeaseEntry, last: CharacterSnapshot | undefined): Promise<void> {
    const key = ownerOf(entry);
    const held = this.held.get(key) ?? { entry, onLost: () => {} };
    this.held.set(key, held);
    held.leaving ??= (async () => {
      try {
        if (last) {
          const outcome = await this.store.write(last, { release: true });
          if (outcome === "lost") this.log.warn({ character: entry.name }, "last save refused: taken over");
        } else {
          await this.store.disown(entry.characterId);
        }
      } catch (err) {
        this.log.error({ err, character: entry.name }, "last save failed");
      }
      this.held.delete(key);
      // Freed only after the save: whoever takes the character next reads this state.
      await this.lease
        .release(entry)
        .catch((err) => this.log.warn({ err: (err as Error).message }, "lease release failed; it expires"));
    })();
    await Promise.race([held.leaving, sleep(LEAVE_WAIT_MS)]);
  }

  /**
   * Travel: store the character's state (already placed in the target
   * district) and let go, in one attempt. On failure it stays held here and
   * the error is thrown: the character keeps playing where it is.
   */
  async handOff(entry: LeaseEntry, last: CharacterSnapshot): Promise<void> {
    const outcome = await this.store.write(last, { release: true, retry: false });
    if (outcome === "lost") throw new AppError("taken_over", 409, "The character was taken over meanwhile");
    this.held.delete(ownerOf(entry));
    await this.lease.release(entry).catch(() => {});
  }

  /**
   * Until every session that ended here has stored its last state and let go,
   * or `timeoutMs` passed (the database is still down: what is not stored
   * stays held, and the store reports it).
   */
  async drain(timeoutMs = 15_000): Promise<void> {
    const leaving = [...this.held.values()].map((h) => h.leaving);
    await Promise.race([Promise.all(leaving), sleep(timeoutMs)]);
  }

  close(): void {
    clearInterval(this.timer);
  }

  /** Takes the lease; if another session holds it, asks it to let go and waits. */
  private async acquireLease(entry: LeaseEntry, deadline: number): Promise<void> {
    if (await this.lease.acquire(entry)) return;
    this.bus.publish("mxo:takeover", { characterId: entry.characterId, by: ownerOf(entry) });
    while (Date.now() < deadline) {
      await sleep(100);
      if (await this.lease.acquire(entry)) return;
      // A holder on a crashed process never answers: its lease would only
      // expire with the TTL. Its process channel vanishes with its Redis
      // connection, so the character can be taken from it at once.
      const holder = await this.lease.locate(entry.characterId);
      if (holder && holder.processId !== entry.processId && !(await this.alive(holder.processId))) {
        if (await this.lease.steal(entry, ownerOf(holder))) {
          this.log.warn(
            { character: entry.name, deadProcess: holder.processId },
            "took a character from a dead process",
          );
          return;
        }
      }
    }
    throw new CharacterBusyError(entry.name);
  }

  /**
   * Claims the database row. With the lease held this normally succeeds at
   * once; it does not when Redis lost the leases and another session still
   * plays the character: that one is asked to save and let go first.
   */
  private async claim(entry: LeaseEntry, deadline: number): Promise<Character> {
    const owner = ownerOf(entry);
    let takeFrom: string | undefined;
    let asked = false;
    for (;;) {
      const claim = await this.store.claim(entry.characterId, owner, takeFrom);
      if ("character" in claim) return claim.character;
      if ("missing" in claim) throw new AppError("not_found", 404, "Character not found");
      const holder = claim.heldBy;
      if (holder && !(await this.alive(processOf(holder)))) {
        this.log.warn({ character: entry.name, holder }, "claiming a character from a dead process");
        takeFrom = holder;
        continue;
      }
      if (!asked) {
        this.bus.publish("mxo:takeover", { characterId: entry.characterId, by: owner });
        asked = true;
      }
      if (Date.now() > deadline) throw new CharacterBusyError(entry.name);
      await sleep(100);
    }
  }

  private async alive(processId: string): Promise<boolean> {
    if (processId === matchMaker.processId) return true;
    // Colyseus subscribes every live process to `p:<processId>`; Redis drops it when the process dies.
    return (await this.presence.channels(`p:${processId}`)).length > 0;
  }

  private async renew(): Promise<void> {
    const entries = [...this.held.values()].map((h) => h.entry);
    if (entries.length === 0) return;
    try {
      const taken = new Set((await this.lease.renew(entries)).map(ownerOf));
      if (taken.size > 0) this.lost((h) => taken.has(ownerOf(h.entry)), "lease");
    } catch (err) {
      // Redis is down: the database claims still fence every save meanwhile.
      this.log.warn({ err: (err as Error).message }, "lease renewal failed");
    }
    await this.store
      .heartbeat()
      .catch((err) => this.log.warn({ err: (err as Error).message }, "claim renewal failed"));
  }

  private lost(match: (h: Held) => boolean, what: string): void {
    for (const h of this.held.values()) {
      if (h.leaving || !match(h)) continue;
      this.log.warn(
        { character: h.entry.name, session: ownerOf(h.entry), what },
        "character taken elsewhere: stopping this copy",
      );
      h.onLost();
    }
  }
}
