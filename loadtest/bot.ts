/**
 * One bot: it gets an account, joins a district and wanders (a random walk
 * through the room's input channel), says something now and then, shoots the
 * nearest NPC in range and, with --travelInterval, walks back to its arrival
 * hardline and travels between districts.
 *
 * `start` returns once the bot has joined; the bot then lives on through its
 * timers. A throw counts the bot as failed.
 */
import type { Options } from "@colyseus/loadtest";
import { Client, CloseCode, type Room } from "@colyseus/sdk";
import { DISTRICT_SERVER_MESSAGE_TYPES } from "../src/mxo/contract/serverMessages.js";
import type { Accounts } from "./accounts.js";
import { httpBase } from "./accounts.js";
import { ALL_DISTRICTS, type LoadtestOptions } from "./options.js";
import type { Log } from "./report.js";
import { counters, noteInputLag } from "./stats.js";

/** What this scenario reads from the replicated state (see src/mxo/contract/replicated.ts). */
interface DistrictStateView {
  players?: { get(sessionId: string): { x: number; y: number; ack: number } | undefined };
  npcs?: { forEach(cb: (npc: { x: number; y: number; hp: number }, id: string) => void): void };
}

/** The SDK builds the input class from the join handshake; this is its shape. */
interface MoveInputData {
  seq: number;
  moveX: number;
  moveY: number;
}

type Reservation = Parameters<Client["consumeSeatReservation"]>[0];

/** The starter ranged attack every new character has loaded, and its range. */
const STARTER_SHOT = { id: "a-shot", range: 30 };
/**
 * How near its arrival point a bot walks back before travelling: it arrived
 * within a few units of the arrival hardline, and travel leaves from within 12.
 */
const HOME_REACH = 3;
/** Refusals a fighting bot expects now and then (target moved, cooldown): not server errors. */
const COMBAT_REFUSALS = new Set([
  "out_of_range",
  "on_cooldown",
  "not_enough_is",
  "target_dead",
  "not_found",
  "dead",
]);

const LINES = [
  "Anyone seen the Oracle?",
  "Hardline's this way.",
  "Red pill, every time.",
  "Agents spotted near the rail yard.",
  "Need a ride out of here.",
  "Déjà vu... a black cat went past twice.",
];

const randomBetween = (min: number, max: number) => min + Math.random() * (max - min);
const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;

/** A new heading every 2–5 s; one time in five the bot stands still instead. */
function nextDirection(): { dx: number; dy: number } {
  if (Math.random() < 0.2) return { dx: 0, dy: 0 };
  const angle = Math.random() * Math.PI * 2;
  return { dx: Math.cos(angle), dy: Math.sin(angle) };
}

/** The bots of one load-generator process. */
export class Bots {
  /** Every room a bot is in (travel swaps them). */
  readonly rooms = new Set<Room>();
  /** Set once the run ends: bots not yet started stay home. */
  finishing = false;
  private readonly attempts = new Map<number, number>();

  constructor(
    private readonly options: LoadtestOptions,
    private readonly accounts: Accounts,
    private readonly log: Log,
  ) {}

  async start(run: Options): Promise<void> {
    if (this.finishing) return;
    const o = this.options;
    const id = run.clientId;
    const base = httpBase(run.endpoint);
    const attempt = this.attempts.get(id) ?? 0;
    this.attempts.set(id, attempt + 1);
    // Bots start one after another: set up the next ones' accounts now, so the
    // server hashes their passwords in parallel.
    for (let next = id + 1; next <= id + o.setupAhead && next < run.numClients; next++) {
      void this.accounts.ahead(base, next, this.attempts.get(next) ?? 0);
    }
    const { name, token, characterId } = await this.accounts.take(base, id, attempt);

    const client = new Client(run.endpoint);
    client.auth.token = token;
    let district = o.districts[id % o.districts.length]!;
    let room: Room = await client.joinOrCreate(run.roomName ?? o.room, { district, characterId });
    // --reestablishAllDelay drops every connection to start afresh; the 0.18
    // SDK would otherwise quietly resume each dropped session, so the old bots
    // would live on next to the new ones.
    if (run.reestablishAllDelay > 0) room.reconnection.enabled = false;
    counters.joined++;
    counters.active++;
    this.log.detail(`${name} joined ${district} (room ${room.roomId})`);

    let seq = 0;
    let { dx, dy } = nextDirection();
    let turnAt = Date.now() + randomBetween(2000, 5000);
    let origin: { x: number; y: number } | undefined;
    let moved = false;
    let traveling = false;
    /** Time to travel: walking back to the arrival hardline first (travel leaves from a hardline). */
    let homing = false;
    let input = room.input<MoveInputData>();
    const send = (type: string, message: unknown) => {
      room.send(type, message);
      counters.messagesSent++;
    };

    /** Listens to one room; travel swaps rooms, and the timers below always use the current one. */
    const attach = (r: Room): void => {
      this.rooms.add(r);
      // Every type the contract lists is counted (and so never an SDK warning);
      // one it does not list is counted too, through the catch-all.
      for (const type of DISTRICT_SERVER_MESSAGE_TYPES) r.onMessage(type, () => counters.messagesReceived++);
      r.onMessage("*", () => counters.messagesReceived++);
      r.onMessage("chat", () => counters.chatsReceived++);
      r.onMessage("combat", (event: { kind?: string; entity?: string; killerId?: string }) => {
        if (event.kind === "death" && event.entity === "npc" && event.killerId === r.sessionId)
          counters.kills++;
      });
      r.onMessage("travel", (msg: { district: string; reservation: Reservation }) => {
        void arrive(msg.district, msg.reservation);
      });
      r.onMessage("error", (payload: { code?: string; message?: string }) => {
        if (payload?.code && COMBAT_REFUSALS.has(payload.code)) {
          counters.combatRefused++;
          return;
        }
        if (payload?.code === "travel_failed" || payload?.code === "not_at_hardline") {
          traveling = false;
          counters.travelsFailed++;
        }
        counters.serverErrors++;
        this.log.error(`${name}: server error ${payload?.code}: ${payload?.message}`);
      });
      r.onError((code, message) => {
        counters.serverErrors++;
        this.log.error(`${name}: room error ${code}: ${message ?? ""}`);
      });
      r.onDrop((code) => {
        counters.drops++;
        this.log.warn(
          `${name}: connection dropped (${code})${r.reconnection.enabled ? "; reconnecting" : ""}`,
        );
      });
      r.onReconnect(() => counters.reconnects++);
      r.onLeave((code, reason) => {
        this.rooms.delete(r);
        // Leaving the old room after a travel is not the bot leaving.
        if (r !== room) return;
        stopTimers();
        counters.active--;
        counters.left++;
        if (code !== CloseCode.CONSENTED && code !== CloseCode.NORMAL_CLOSURE) {
          this.log.warn(`${name} left ${district}: code ${code}${reason ? ` (${reason})` : ""}`);
        }
      });
    };

    /** The server answered `travel`: take the seat there, then leave the old room. */
    const arrive = async (to: string, reservation: Reservation): Promise<void> => {
      try {
        const next = await client.consumeSeatReservation(reservation);
        if (run.reestablishAllDelay > 0) next.reconnection.enabled = false;
        const old = room;
        room = next;
        district = to;
        input = room.input<MoveInputData>();
        // A new room acknowledges from 0: so does the lag measure.
        seq = 0;
        origin = undefined;
        attach(next);
        counters.travels++;
        await old.leave(true).catch(() => {});
      } catch (err) {
        counters.travelsFailed++;
        this.log.error(`${name}: could not arrive in ${to}: ${(err as Error).message}`);
      } finally {
        traveling = false;
      }
    };
    attach(room);

    const moveTimer = setInterval(() => {
      const now = Date.now();
      if (now >= turnAt) {
        ({ dx, dy } = nextDirection());
        turnAt = now + randomBetween(2000, 5000);
      }
      const me = (room.state as DistrictStateView | undefined)?.players?.get(room.sessionId);
      let [moveX, moveY] = [dx, dy];
      if (homing && me && origin) {
        // The bot arrived by the arrival hardline: back there, then travel.
        const away = Math.hypot(origin.x - me.x, origin.y - me.y);
        if (away <= HOME_REACH) {
          [moveX, moveY] = [0, 0];
          homing = false;
          traveling = true;
          const others = ALL_DISTRICTS.filter((d) => d !== district);
          send("travel", { district: pick(others) });
        } else {
          [moveX, moveY] = [(origin.x - me.x) / away, (origin.y - me.y) / away];
        }
      }
      input.data.seq = ++seq;
      input.data.moveX = moveX;
      input.data.moveY = moveY;
      input.send();
      counters.inputs++;

      if (me) {
        noteInputLag(seq - me.ack);
        origin ??= { x: me.x, y: me.y };
        if (!moved && Math.hypot(me.x - origin.x, me.y - origin.y) > 1) {
          moved = true;
          counters.moved++;
        }
      }
    }, o.moveIntervalMs);

    /** Runs `act` at random intervals around a mean of `meanSeconds` (never when it is 0). */
    const timers: NodeJS.Timeout[] = [];
    const every = (meanSeconds: number, act: () => void) => {
      if (meanSeconds <= 0) return;
      const slot = timers.length;
      const schedule = () => {
        timers[slot] = setTimeout(
          () => {
            act();
            schedule();
          },
          randomBetween(0.5, 1.5) * meanSeconds * 1000,
        );
      };
      schedule();
    };

    every(o.chatIntervalSeconds, () => {
      send("chat", { channel: "say", text: pick(LINES) });
      counters.chatsSent++;
    });
    every(o.fightIntervalSeconds, () => {
      const state = room.state as DistrictStateView | undefined;
      const me = state?.players?.get(room.sessionId);
      let target: string | undefined;
      let best: number = STARTER_SHOT.range;
      state?.npcs?.forEach((npc, npcId) => {
        const d = me ? Math.hypot(npc.x - me.x, npc.y - me.y) : Infinity;
        if (npc.hp > 0 && d <= best) {
          best = d;
          target = npcId;
        }
      });
      if (target) {
        send("ability", { abilityId: STARTER_SHOT.id, targetId: target });
        counters.shots++;
      }
    });
    every(o.travelIntervalSeconds, () => {
      if (!traveling && !homing && ALL_DISTRICTS.length > 1) homing = true;
    });

    function stopTimers(): void {
      clearInterval(moveTimer);
      for (const t of timers) clearTimeout(t);
    }
  }
}
