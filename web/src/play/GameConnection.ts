import { Client, CloseCode, ServerError, type Room, type SeatReservation } from "@colyseus/sdk";
import type { CharacterSummary } from "../../../src/mxo/contract/characters.js";
import type { DistrictClientMessages, JoinOptions } from "../../../src/mxo/contract/clientMessages.js";
import type { TravelReply } from "../../../src/mxo/contract/serverMessages.js";
import { ApiError } from "../shared/http.js";
import type { Session } from "../shared/Session.js";
import { closeMeaning } from "./closeCodes.js";
import type { DistrictStateView } from "./types.js";

export type DistrictRoom = Room<unknown, DistrictStateView>;

export type ConnectionStatus =
  | { kind: "online"; district: string }
  /** The SDK is resuming a dropped connection to the same room (within the server's grace period). */
  | { kind: "reconnecting"; text: string }
  /** Joining again from scratch: after a drain, a failed resume, or on the way to another district. */
  | { kind: "moving"; text: string; attempt: number }
  | { kind: "ended"; text: string; to: "characters" | "login" };

export interface ConnectionEvents {
  /** A new room to show: the first join, a travel, a join after a drain. */
  joined(room: DistrictRoom, district: string): void;
  status(status: ConnectionStatus): void;
}

/**
 * Resume attempts the SDK makes after a drop before we join afresh: about 11 s
 * of exponential backoff, enough for a network blip, while a crashed process
 * (which never answers) costs the player seconds rather than the SDK's default
 * minute. The server keeps a dropped character for RECONNECT_GRACE_SECONDS
 * (20 s by default) either way, and a fresh join takes it over.
 */
const RESUME_ATTEMPTS = 6;
/** Give up joining again after this long; the player can retry from the character screen. */
const REJOIN_GIVE_UP_MS = 180_000;

/**
 * One character in play, across whatever rooms it passes through: first join,
 * travel (consume the reservation the server hands over, then leave the old
 * room), SDK-level resume after a network drop, and a fresh join with the same
 * character when the room goes away under it (a drain's 4120, or a resume the
 * SDK gave up on) — all without reloading the page.
 */
export class GameConnection {
  private room: DistrictRoom | undefined;
  private stopped = false;
  private rejoining = false;

  constructor(
    private readonly client: Client,
    private readonly session: Session,
    readonly character: CharacterSummary,
    private readonly events: ConnectionEvents,
    private district = character.district,
  ) {}

  get current(): DistrictRoom | undefined {
    return this.room;
  }

  /** The first join; throws what the server said so the character screen can show it. */
  async start(): Promise<void> {
    this.attach(await this.join(this.district), this.district);
  }

  /** `hardline`: one of the target's hardlines by id; without it, its arrival hardline. */
  travel(district: string, hardline?: string): void {
    const message: DistrictClientMessages["travel"] = hardline ? { district, hardline } : { district };
    this.room?.send("travel", message);
  }

  async leave(): Promise<void> {
    this.stopped = true;
    const room = this.room;
    this.room = undefined;
    if (room?.connection.isOpen) await room.leave(true).catch(() => undefined);
  }

  private async join(district: string): Promise<DistrictRoom> {
    this.client.auth.token = await this.session.token();
    const options: JoinOptions = { district, characterId: this.character.id };
    return this.client.joinOrCreate<DistrictStateView>("district", options);
  }

  private attach(room: DistrictRoom, district: string): void {
    this.room = room;
    this.district = district;
    room.reconnection.maxRetries = RESUME_ATTEMPTS;
    room.onDrop(() => {
      if (room === this.room)
        this.events.status({ kind: "reconnecting", text: "Connection lost — reconnecting…" });
    });
    room.onReconnect(() => {
      if (room === this.room) this.events.status({ kind: "online", district: this.district });
    });
    room.onLeave((code, reason) => {
      if (room !== this.room || this.stopped || code === CloseCode.CONSENTED) return;
      const meaning = closeMeaning(code, reason);
      if (meaning.action === "rejoin") void this.rejoin(meaning.text);
      else this.end(meaning.text, meaning.to);
    });
    room.onMessage("travel", (msg: TravelReply) => {
      if (room === this.room) void this.arrive(msg.district, msg.reservation);
    });
    this.events.joined(room, district);
    this.events.status({ kind: "online", district });
  }

  /** The server already moved the character: take the seat it reserved, then let go of the old room. */
  private async arrive(district: string, reservation: SeatReservation): Promise<void> {
    const old = this.room;
    this.events.status({ kind: "moving", text: `Traveling to ${district}…`, attempt: 1 });
    try {
      const room = await this.client.consumeSeatReservation<DistrictStateView>(reservation);
      this.attach(room, district);
    } catch {
      // The seat expired before we took it: the character is saved in the
      // target district, so an ordinary join lands there.
      this.room = undefined;
      this.district = district;
      void this.rejoin(`Traveling to ${district}…`);
    }
    if (old && old !== this.room) await old.leave(true).catch(() => undefined);
  }

  private async rejoin(text: string): Promise<void> {
    if (this.rejoining) return;
    this.rejoining = true;
    this.room = undefined;
    const started = Date.now();
    try {
      for (let attempt = 1; !this.stopped; attempt++) {
        this.events.status({ kind: "moving", text, attempt });
        try {
          const room = await this.join(this.district);
          if (this.stopped) {
            await room.leave(true).catch(() => undefined);
            return;
          }
          this.attach(room, this.district);
          return;
        } catch (err) {
          const final = permanentJoinFailure(err);
          if (final) return this.end(final.text, final.to);
          if (Date.now() - started > REJOIN_GIVE_UP_MS) {
            return this.end(`Could not get back into the game: ${(err as Error).message}`, "characters");
          }
          await sleep(Math.min(5000, 250 * 2 ** Math.min(attempt, 5)));
        }
      }
    } finally {
      this.rejoining = false;
    }
  }

  private end(text: string, to: "characters" | "login"): void {
    if (this.stopped) return;
    this.stopped = true;
    this.room = undefined;
    this.events.status({ kind: "ended", text, to });
  }
}

/** Join refusals that retrying cannot fix (README: 401, 403, 404, 400 on join). */
export function permanentJoinFailure(err: unknown): { text: string; to: "characters" | "login" } | undefined {
  if (err instanceof ApiError && err.status === 401) return { text: err.message, to: "login" };
  if (!(err instanceof ServerError)) return undefined;
  switch (err.code) {
    case 401:
      return { text: `Not logged in any more: ${err.message}`, to: "login" };
    case 403:
      return { text: err.message, to: /banned/i.test(err.message) ? "login" : "characters" };
    case 400:
    case 404:
      return { text: err.message, to: "characters" };
    default:
      return undefined;
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
