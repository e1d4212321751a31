import assert from "node:assert/strict";
import type { Room } from "@colyseus/sdk";
import { InputEncoder } from "@colyseus/schema/input";
import {
  CODE_MASK,
  inputFrame,
  JOIN_ROOM,
  ROOM_STATE,
  ROOM_STATE_PATCH,
  TIMED,
} from "../../bench/lib/bot.js";
import { RawWs } from "../../bench/lib/rawWs.js";
import { MoveInput } from "../../schema/MoveInput.js";
import { http, sleep, uniqueName, waitFor, type MoveInputData } from "../helpers/api.js";
import { ContractClient } from "../helpers/client.js";
import { queryDatabase } from "../helpers/postgres.js";
import { deploy, type TestDeployment } from "../helpers/servers.js";

/**
 * A crowd of 200 bots in one view's reach, all walking, on one server. Most
 * are raw sockets (a seat over HTTP, a bare WebSocket, inputs encoded as the
 * SDK encodes them) that decode nothing; DECODERS of them are SDK clients
 * whose every patch frame is recorded: the server time stamped on it (the
 * TIMED prefix: the same patch carries the same stamp to everyone), the
 * room's tick, its own position and where it sees the other decoders.
 */
const BOTS = 200;
const DECODERS = 20;
const CHARACTERS_PER_ACCOUNT = 8;
/** A quiet corner of richland, away from NPC spawn zones (bench/scale.ts's dense crowd stands there too). */
const CENTER = { x: 1000, y: 600 };
/** Everyone within this disc; the decoders in its middle, so that they have decoders near them to check. */
const CROWD_RADIUS = 40;
const DECODER_RADIUS = 8;
/**
 * "Near", in units. A crowd view holds the nearest AOI_MAX_VISIBLE (100) and
 * sends every patch what lies within AOI_FULL_RATE_PERCENT (40 %) of its
 * reach (the 100th nearest). Here the 100th nearest of a decoder in the
 * middle is about 26 units away (20 decoders, then 180 bots over a disc of
 * 40), so its full-rate band reaches about 10 units: 8 is inside it with
 * room for the crowd's view refreshes, which come every 2nd update.
 */
const NEAR = 8;
/** Each bot walks a circle (one lap in LAP_SECONDS at the district's speed: ~10 units across), so the crowd keeps its shape. */
const LAP_SECONDS = 10;
const ADMIN = { username: "crowd_admin", password: "crowd admin password" };

interface Bot {
  name: string;
  characterId: string;
  token: string;
  spot: { x: number; y: number };
  phase: number;
  send(moveX: number, moveY: number): void;
  /** Whether the server has applied the last input sent. */
  applied(): boolean;
  close(): Promise<void>;
}

/** One patch frame as a decoder saw it, after decoding it. */
interface Seen {
  tick: number;
  own: { x: number; y: number };
  /** Other decoders by session id: where this one sees them, or null if not in its state. */
  peers: Map<string, { x: number; y: number } | null>;
}

interface Decoder {
  bot: Bot;
  room: Room<any>;
  frames: Map<number, Seen>;
}

async function post(base: string, path: string, body: unknown, token?: string): Promise<any> {
  const res = await http(base, "POST", path, { body, token });
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Accounts and characters for `n` bots, `CHARACTERS_PER_ACCOUNT` to an account (argon2 per account, not per bot). */
async function createBots(
  base: string,
  n: number,
): Promise<Omit<Bot, "spot" | "phase" | "send" | "applied" | "close">[]> {
  const accounts = Math.ceil(n / CHARACTERS_PER_ACCOUNT);
  const bots: Omit<Bot, "spot" | "phase" | "send" | "applied" | "close">[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < accounts) {
        next++;
        const username = uniqueName("crowd");
        const password = "crowd bot password";
        await post(base, "/auth/register", { username, password });
        const { token } = await post(base, "/auth/login", { username, password });
        for (let c = 0; c < CHARACTERS_PER_ACCOUNT && bots.length < n; c++) {
          const name = uniqueName("K");
          const character = await post(base, "/characters", { name }, token);
          bots.push({ name, characterId: character.id, token });
        }
      }
    }),
  );
  return bots.slice(0, n);
}

/** Seat over HTTP, then a bare WebSocket that answers the handshake and reads nothing; resolves once the full state arrived. */
async function joinRaw(d: TestDeployment, bot: Bot): Promise<void> {
  const res = await post(
    d.server.http,
    "/matchmake/joinOrCreate/district",
    {
      district: "richland",
      characterId: bot.characterId,
    },
    bot.token,
  );
  const url = `${d.server.ws}/${res.processId}/${res.roomId}?sessionId=${res.sessionId}&_authToken=${bot.token}`;
  const encoder = new InputEncoder(new MoveInput());
  const input = encoder.instance as unknown as MoveInputData;
  let ack = -1;
  await new Promise<void>((resolve, reject) => {
    let joined = false;
    const ws: RawWs = new RawWs(
      url,
      {
        message(length, prefix) {
          const code = prefix[0]! & CODE_MASK;
          // The TIMED prefix's second word: the last input the server consumed from this client.
          if (code === ROOM_STATE_PATCH && (prefix[0]! & TIMED) !== 0 && length >= 9) {
            ack = (prefix[5]! | (prefix[6]! << 8) | (prefix[7]! << 16) | (prefix[8]! << 24)) >>> 0;
          }
          if (code === JOIN_ROOM) ws.send(Uint8Array.of(JOIN_ROOM));
          else if (code === ROOM_STATE && !joined) {
            joined = true;
            resolve();
          }
        },
        close(code, reason) {
          if (!joined) reject(new Error(`${bot.name} closed (${code}: ${reason}) before joining`));
        },
      },
      () => {},
    );
    bot.send = (moveX, moveY) => {
      if (!ws.isOpen) return;
      input.seq++;
      input.moveX = moveX;
      input.moveY = moveY;
      ws.send(inputFrame(encoder.encode()));
    };
    bot.applied = () => ack === input.seq;
    bot.close = async () => ws.close();
  });
}

/** The SDK, decoding; records every patch frame once decoded, keyed by the server time stamped on it. */
async function joinDecoding(d: TestDeployment, bot: Bot, recording: { on: boolean }, peers: () => string[]) {
  const client = new ContractClient(d.server.ws);
  client.auth.token = bot.token;
  const room: Room<any> = await client.joinOrCreate("district", {
    district: "richland",
    characterId: bot.characterId,
  });
  const decoder: Decoder = { bot, room, frames: new Map() };
  const handle = room.input<MoveInputData>();
  let seq = 0;
  bot.send = (moveX, moveY) => {
    Object.assign(handle.data, { seq: ++seq, moveX, moveY });
    handle.send();
  };
  bot.applied = () => room.state.players.get(room.sessionId)?.ack === seq;
  bot.close = () => room.leave().then(() => undefined);
  const events = (
    room as unknown as { connection: { events: { onmessage: (e: { data: ArrayBuffer }) => void } } }
  ).connection.events;
  const deliver = events.onmessage;
  events.onmessage = (e) => {
    deliver(e);
    const bytes = new Uint8Array(e.data);
    if (!recording.on || (bytes[0]! & CODE_MASK) !== ROOM_STATE_PATCH || (bytes[0]! & TIMED) === 0) return;
    const sNow = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).readUInt32LE(1);
    const players = room.state.players;
    const own = players.get(room.sessionId);
    const seen: Seen = { tick: room.state.tick, own: { x: own.x, y: own.y }, peers: new Map() };
    for (const id of peers()) {
      const p = players.get(id);
      seen.peers.set(id, p ? { x: p.x, y: p.y } : null);
    }
    decoder.frames.set(sNow, seen);
  };
  return decoder;
}

/** At most `n` at a time. */
async function inBatches<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

const dist = (a: { x: number; y: number }, b: { x: number; y: number }) => Math.hypot(a.x - b.x, a.y - b.y);

describe("crowd correctness (postgres)", function () {
  this.timeout(240_000);
  let d: TestDeployment;
  before(
    async () =>
      (d = await deploy("postgres", {
        AUTH_RATE_LIMIT_PER_MINUTE: "100000",
        HTTP_RATE_LIMIT_PER_MINUTE: "100000",
        ADMIN_RATE_LIMIT_PER_MINUTE: "100000",
        ADMIN_USERNAME: ADMIN.username,
        ADMIN_PASSWORD: ADMIN.password,
        RECONNECT_GRACE_SECONDS: "0",
      })),
  );
  after(async () => d?.cleanup());

  it(`${BOTS} bots in one crowd: each decoder hears its own player every patch and its near neighbours at full rate, and converges to the server's state once all stop`, async () => {
    const base = d.server.http;
    // Deterministic layout: decoders in the middle, raw bots over the whole disc.
    let seed = 16;
    const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const created = await createBots(base, BOTS);
    const bots: Bot[] = created.map((c, i) => {
      const r = (i < DECODERS ? DECODER_RADIUS : CROWD_RADIUS) * Math.sqrt(random());
      const a = random() * 2 * Math.PI;
      return {
        ...c,
        spot: { x: CENTER.x + r * Math.cos(a), y: CENTER.y + r * Math.sin(a) },
        phase: random() * 2 * Math.PI,
        send: () => {},
        applied: () => false,
        close: async () => {},
      };
    });
    // Placed as the bench places its crowd: written to the characters before their first join.
    await queryDatabase(
      d.env.DATABASE_URL!,
      `UPDATE characters c SET district = 'richland', x = v.x, y = v.y, z = 0
         FROM (SELECT unnest($1::uuid[]) AS id, unnest($2::float8[]) AS x, unnest($3::float8[]) AS y) v
        WHERE c.id = v.id`,
      [bots.map((b) => b.characterId), bots.map((b) => b.spot.x), bots.map((b) => b.spot.y)],
    );

    const recording = { on: false };
    const decoders: Decoder[] = [];
    const peerIds = () => decoders.map((x) => x.room.sessionId);
    let walking: NodeJS.Timeout | undefined;
    try {
      await inBatches(bots, 8, async (bot) => {
        if (bots.indexOf(bot) < DECODERS) decoders.push(await joinDecoding(d, bot, recording, peerIds));
        else await joinRaw(d, bot);
      });
      // Everyone walks its circle, one input per server tick.
      const started = Date.now();
      walking = setInterval(() => {
        const t = (Date.now() - started) / 1000;
        for (const b of bots) {
          const a = b.phase + (2 * Math.PI * t) / LAP_SECONDS;
          b.send(Math.cos(a), Math.sin(a));
        }
      }, 50);
      await sleep(2000); // views settle around the moving crowd
      // Recorded for as many patches as 2 s hold at 20 Hz, however long a loaded machine takes to send them.
      recording.on = true;
      await waitFor(() => decoders.every((x) => x.frames.size >= 40), {
        timeoutMs: 60_000,
        intervalMs: 100,
        what: "40 patch frames at every decoder",
      });
      recording.on = false;
      clearInterval(walking);
      walking = undefined;

      // Patches of the window: every server time stamp any decoder saw between the first all of them saw and the last.
      const stamps = decoders.map((x) => [...x.frames.keys()].sort((a, b) => a - b));
      const lo = Math.max(...stamps.map((s) => s[0] ?? Infinity));
      const hi = Math.min(...stamps.map((s) => s.at(-1) ?? -Infinity));
      const patches = [...new Set(stamps.flat())].filter((s) => s >= lo && s <= hi).sort((a, b) => a - b);
      assert.ok(patches.length >= 30, `only ${patches.length} patches in the window`);
      let ownChecks = 0;
      let nearChecks = 0;
      const problems: string[] = [];
      for (const x of decoders) {
        const missed = patches.filter((s) => !x.frames.has(s));
        if (missed.length)
          problems.push(`${x.bot.name} missed ${missed.length} of ${patches.length} patches`);
        let prev: Seen | undefined;
        for (const s of patches) {
          const f = x.frames.get(s);
          if (!f) continue;
          // Its own player moved in every patch that followed a tick (it walks all the time).
          if (prev && f.tick > prev.tick) {
            ownChecks++;
            if (f.own.x === prev.own.x && f.own.y === prev.own.y)
              problems.push(`${x.bot.name} not moved at ${s}`);
          }
          prev = f;
          // Every decoder near it is in its state, where that one is, in this very patch.
          for (const y of decoders) {
            if (y === x) continue;
            const truth = y.frames.get(s)?.own;
            if (!truth || dist(truth, f.own) > NEAR) continue;
            nearChecks++;
            const seen = f.peers.get(y.room.sessionId);
            if (!seen)
              problems.push(
                `${x.bot.name} lacks ${y.bot.name} ${dist(truth, f.own).toFixed(1)} away at ${s}`,
              );
            else if (seen.x !== truth.x || seen.y !== truth.y) {
              problems.push(
                `${x.bot.name} sees ${y.bot.name} ${dist(truth, f.own).toFixed(1)} away at ${seen.x},${seen.y}, not ${truth.x},${truth.y} at ${s}`,
              );
            }
          }
        }
      }
      const kinds = ["missed", "not moved", "lacks", "sees"].map(
        (k) => `${k}: ${problems.filter((p) => p.includes(` ${k} `)).length}`,
      );
      assert.deepEqual(problems.slice(0, 10), [], `${problems.length} problems (${kinds.join(", ")})`);
      assert.ok(ownChecks >= (DECODERS * patches.length) / 2, `own player checked only ${ownChecks} times`);
      assert.ok(nearChecks >= DECODERS * patches.length, `near neighbours checked only ${nearChecks} times`);

      // Everyone stops; once the stops are applied and views have settled, each decoder holds the server's truth.
      for (const b of bots) b.send(0, 0);
      await waitFor(() => bots.every((b) => b.applied()), { timeoutMs: 30_000, what: "every stop applied" });
      await sleep(1000);
      const { token } = await post(base, "/auth/login", ADMIN);
      const truth = new Map<string, { x: number; y: number }>();
      await inBatches(bots, 8, async (b) => {
        const r = await post(base, "/api/v1/admin/commands", { command: "inspect", args: [b.name] }, token);
        const report = r.data;
        truth.set(b.name, report.position);
      });
      let compared = 0;
      for (const x of decoders) {
        const players = x.room.state.players;
        const own = truth.get(x.bot.name)!;
        const names = new Map<string, { x: number; y: number }>();
        players.forEach((p: any) => names.set(p.name, { x: p.x, y: p.y }));
        for (const b of bots) {
          const at = truth.get(b.name)!;
          const seen = names.get(b.name);
          if (seen) {
            compared++;
            // The wire carries positions in 1/8-unit steps, rounded: the server's value is within half a step.
            const off = Math.max(Math.abs(seen.x - at.x), Math.abs(seen.y - at.y));
            assert.ok(
              off <= 1 / 16 + 1e-9,
              `${x.bot.name} sees ${b.name} at ${seen.x},${seen.y}, the server has ${at.x},${at.y}`,
            );
          } else {
            assert.ok(
              dist(at, own) > NEAR,
              `${x.bot.name} lacks ${b.name}, ${dist(at, own).toFixed(1)} away`,
            );
          }
        }
      }
      assert.ok(compared >= DECODERS * 20, `only ${compared} entities compared`);
    } finally {
      if (walking) clearInterval(walking);
      await Promise.all(bots.map((b) => b.close().catch(() => undefined)));
    }
  });
});
