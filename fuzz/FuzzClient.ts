import { Client, type Room } from "@colyseus/sdk";
import { http, newPlayer, type TestPlayer } from "../test/helpers/api.js";
import { Packr } from "msgpackr";
import { MAX_FRAME_BYTES, randomFrame } from "./frameGen.js";
import { MESSAGE_TYPES, randomMessage, type WorldHints } from "./messageGen.js";
import type { Prng } from "./Prng.js";
import { randomNumber } from "./values.js";

/** The parts of the replicated district state the fuzzer reads for real targets. */
export interface SeenState {
  players?: {
    forEach(cb: (p: { name: string; x: number; y: number }, id: string) => void): void;
    get(id: string): { name: string; x: number; y: number } | undefined;
  };
  npcs?: { forEach(cb: (n: unknown, id: string) => void): void };
}

function describe(message: unknown): string {
  try {
    return String(JSON.stringify(message, (_k, v) => (typeof v === "bigint" ? `${v}n` : v))).slice(0, 200);
  } catch {
    return "(not JSON-printable)";
  }
}

const sizer = new Packr();
function packedSize(payload: unknown): number {
  try {
    return sizer.pack(payload).length;
  } catch {
    return 0;
  }
}

/** Frames kept per client for a failure report: enough to replay what led up to it. */
const RECENT_FRAMES = 24;

export interface FuzzClientStats {
  frames: number;
  byKind: Record<string, number>;
  joins: number;
  joinFailures: number;
  closes: Record<string, number>;
}

/**
 * One hostile connection: a real SDK client in a district room that sends
 * raw frames of every opcode, messages of every type with random shapes, and
 * inputs with random values. When the server closes it (abuse, a LEAVE_ROOM
 * it sent, a travel) it joins again with the same character.
 */
export class FuzzClient {
  readonly stats: FuzzClientStats = { frames: 0, byKind: {}, joins: 0, joinFailures: 0, closes: {} };
  readonly recent: string[] = [];
  private room: Room<unknown> | undefined;
  private joining: Promise<void> | undefined;
  private player!: TestPlayer;
  private stopped = false;
  private lastKind = "";

  constructor(
    readonly name: string,
    private readonly servers: { http: string; ws: string }[],
    readonly district: string,
    private readonly r: Prng,
  ) {}

  async start(): Promise<void> {
    this.player = await newPlayer(this.servers[0]!.http);
    await this.join();
  }

  get connected(): boolean {
    return this.room?.connection.isOpen === true;
  }

  /** Sends one frame if connected (true), or starts joining again (false). */
  step(hints: WorldHints): boolean {
    if (this.stopped) return false;
    const room = this.room;
    if (!room?.connection.isOpen) {
      this.joining ??= this.rejoin().finally(() => (this.joining = undefined));
      return false;
    }
    const action = this.r.weighted([
      [55, "frame"],
      [35, "message"],
      [10, "input"],
    ] as const);
    if (action === "frame") {
      const frame = randomFrame(this.r);
      this.count(frame.kind, frame.bytes);
      room.connection.send(frame.bytes);
    } else if (action === "message") {
      const { type, payload } = randomMessage(this.r, hints);
      try {
        room.send(type as string, payload);
      } catch {
        return true; // the SDK refused to pack it: nothing went on the wire
      }
      const known = (MESSAGE_TYPES as readonly unknown[]).includes(type);
      // Over the frame cap the server cuts the connection: expected, and marked so in the close counts.
      const big = packedSize(payload) > MAX_FRAME_BYTES ? "(oversized)" : "";
      this.count(`message:${known ? type : "other"}${big}`, undefined, { type, payload });
    } else {
      const input = room.input<{ seq: number; moveX: number; moveY: number }>();
      Object.assign(input.data, {
        seq: this.r.int(2 ** 32),
        moveX: this.r.chance(0.7) ? this.r.next() * 2 - 1 : randomNumber(this.r),
        moveY: this.r.chance(0.7) ? this.r.next() * 2 - 1 : randomNumber(this.r),
      });
      input.send();
      this.count("input.sdk", undefined, { ...input.data });
    }
    return true;
  }

  /** Ids and names this client has seen in its room. */
  hints(): WorldHints {
    const state = this.room?.state as SeenState | undefined;
    const players = state?.players;
    const npcs = state?.npcs;
    const sessionIds: string[] = [];
    const names: string[] = [];
    players?.forEach((p, id) => {
      sessionIds.push(id);
      names.push(p.name);
    });
    const npcIds: string[] = [];
    npcs?.forEach((_n, id) => npcIds.push(id));
    return { sessionIds, npcIds, names };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.joining?.catch(() => {});
    // The SDK's leave() never settles for a connection that is already closed.
    if (this.room?.connection.isOpen) {
      await Promise.race([this.room.leave().catch(() => {}), new Promise((r) => setTimeout(r, 2000))]);
    }
  }

  private count(kind: string, bytes?: Uint8Array, message?: unknown): void {
    this.lastKind = kind;
    this.stats.frames++;
    this.stats.byKind[kind] = (this.stats.byKind[kind] ?? 0) + 1;
    const shown = bytes
      ? Buffer.from(bytes.subarray(0, 64)).toString("hex") +
        (bytes.length > 64 ? `…(${bytes.length} bytes)` : "")
      : describe(message);
    this.recent.push(`${kind} ${shown}`);
    if (this.recent.length > RECENT_FRAMES) this.recent.shift();
  }

  private async join(): Promise<void> {
    const server = this.servers[this.stats.joins % this.servers.length]!;
    const client = new Client(server.ws);
    client.auth.token = this.player.token;
    const room = await client.joinOrCreate("district", {
      district: this.district,
      characterId: this.player.characterId,
    });
    room.reconnection.enabled = false;
    room.onMessage("*", () => {});
    room.onLeave((code: number) => {
      // Keyed by what was sent last, so an unexpected close points at its frame.
      const key = `${code} after ${this.lastKind}`;
      this.stats.closes[key] = (this.stats.closes[key] ?? 0) + 1;
    });
    this.room = room;
    this.stats.joins++;
  }

  /** Joins again after a close, logging in afresh when the token has run out. */
  private async rejoin(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      await new Promise((r) => setTimeout(r, 100 + Math.min(attempt, 10) * 200));
      try {
        await this.join();
        return;
      } catch (err) {
        this.stats.joinFailures++;
        if (/401|token|auth/i.test(String((err as Error).message))) {
          const login = await http(this.servers[0]!.http, "POST", "/auth/login", {
            body: { username: this.player.username, password: this.player.password },
          }).catch(() => undefined);
          if (login?.status === 200) this.player.token = login.body.token;
        }
      }
    }
  }
}
