/**
 * Load-test scenario: every bot registers its own account, creates a
 * character, joins a district and wanders around (a random walk sent through
 * the room's input channel), saying something now and then.
 *
 *   node --experimental-websocket --import tsx loadtest/wander.ts \
 *     --endpoint ws://localhost:2567 --room district --numClients 50 --output loadtest.log
 *
 * Extra options (on top of @colyseus/loadtest's own --endpoint, --room,
 * --numClients, --delay, --reestablishAllDelay, --output):
 *   --district <id[,id…]>  districts to spread bots over (default: all four, round-robin)
 *   --moveInterval <ms>    how often each bot sends an input (default 100)
 *   --chatInterval <s>     mean seconds between a bot's "say" lines; 0 disables (default 30)
 *   --fightInterval <s>    mean seconds between shots ("a-shot") at the nearest NPC in range;
 *                          0 disables (default 5)
 *   --travelInterval <s>   mean seconds between a bot's trips to another district (`travel`,
 *                          then the seat reservation it answers with); 0 disables (default 0)
 *   --duration <s>         leave cleanly and exit after this long; 0 = until q / Ctrl-C (default 0)
 *   --setupAhead <n>       bots whose HTTP set-up runs ahead of the one joining (default 4)
 *   --accounts <file>      keep the bots' accounts in this JSON file and reuse them next run
 *   --password <text>      password for the bot accounts (default "loadtest-password")
 *
 * The server rate-limits HTTP per IP: start it with AUTH_RATE_LIMIT_PER_MINUTE
 * and HTTP_RATE_LIMIT_PER_MINUTE raised (see loadtest/README.md), or bots fail
 * with 429 after the first few dozen.
 *
 * @colyseus/loadtest runs `main` once per bot, one after the other, awaiting
 * each: so `main` only sets a bot up and returns once it has joined; the bot
 * then lives on through its timers. A throw counts the bot as "failed".
 * Registering and logging in cost one password hash each on the server, which
 * bounds the ramp-up (about one bot per second on 2 cores); with --accounts a
 * later run only refreshes tokens, which costs no hashing.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { cli, type Options } from "@colyseus/loadtest";
import { Client, CloseCode, type Room } from "@colyseus/sdk";

const ALL_DISTRICTS = ["richland", "westview", "international", "downtown"];

// ---------------------------------------------------------------------------
// Options of our own. @colyseus/loadtest parses argv separately and ignores them.

const { values: args } = parseArgs({
  args: process.argv.slice(2),
  strict: false,
  allowPositionals: true,
  options: {
    district: { type: "string" },
    moveInterval: { type: "string" },
    chatInterval: { type: "string" },
    fightInterval: { type: "string" },
    travelInterval: { type: "string" },
    duration: { type: "string" },
    setupAhead: { type: "string" },
    accounts: { type: "string" },
    password: { type: "string" },
  },
});

function usage(message: string): never {
  console.error(message);
  process.exit(2);
}

function numberArg(name: string, fallback: number, min: number): number {
  const raw = args[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (typeof raw !== "string" || !Number.isFinite(value) || value < min) {
    usage(`--${name} must be a number ≥ ${min} (got ${JSON.stringify(raw)})`);
  }
  return value;
}

function stringArg(name: string): string | undefined {
  const raw = args[name];
  if (raw !== undefined && typeof raw !== "string") usage(`--${name} needs a value`);
  return raw;
}

const districts = (stringArg("district") ?? ALL_DISTRICTS.join(","))
  .split(",")
  .map((d) => d.trim())
  .filter(Boolean);
if (districts.length === 0) usage("--district needs at least one district id");
const moveIntervalMs = numberArg("moveInterval", 100, 10);
const chatIntervalSeconds = numberArg("chatInterval", 30, 0);
const fightIntervalSeconds = numberArg("fightInterval", 5, 0);
const travelIntervalSeconds = numberArg("travelInterval", 0, 0);
const durationSeconds = numberArg("duration", 0, 0);
const setupAhead = Math.floor(numberArg("setupAhead", 4, 0));
const accountsFile = stringArg("accounts");
const password = stringArg("password") ?? "loadtest-password";
if (password.length < 8) usage("--password must be at least 8 characters");

/** Distinguishes this run's accounts from earlier runs and from parallel load-generator processes. */
const runId = randomBytes(4).readUInt32BE(0).toString(36).padStart(7, "0").slice(0, 6);

// ---------------------------------------------------------------------------
// Wire shapes (see src/framework/http/routes.ts, schema/DistrictState.ts, schema/MoveInput.ts).

interface TokenPair {
  token: string;
  refreshToken: string;
}
interface CharacterSummary {
  id: string;
  name: string;
}
/** What this scenario reads from the replicated state. */
interface DistrictStateView {
  players?: { get(sessionId: string): { x: number; y: number; ack: number } | undefined };
  npcs?: { forEach(cb: (npc: { x: number; y: number; hp: number }, id: string) => void): void };
}

/** The starter ranged attack every new character has loaded, and its range. */
const STARTER_SHOT = { id: "a-shot", range: 30 };
/** Refusals a fighting bot expects now and then (target moved, cooldown): not server errors. */
const COMBAT_REFUSALS = new Set([
  "out_of_range",
  "on_cooldown",
  "not_enough_is",
  "target_dead",
  "not_found",
  "dead",
]);
/** The SDK builds the input class from the join handshake; this is its shape. */
interface MoveInputData {
  seq: number;
  moveX: number;
  moveY: number;
}

// ---------------------------------------------------------------------------
// Counters, printed every 10 s into the loadtest UI (and so into --output).

const stats = {
  joined: 0,
  active: 0,
  moved: 0,
  left: 0,
  drops: 0,
  reconnects: 0,
  inputs: 0,
  chatsSent: 0,
  chatsReceived: 0,
  shots: 0,
  combatRefused: 0,
  kills: 0,
  travels: 0,
  travelsFailed: 0,
  serverErrors: 0,
  /** Largest `seq − ack` seen since the last summary: inputs the server has not applied yet. */
  maxInputLag: 0,
};
const rooms = new Set<Room>();
let started = false;
let finishing = false;

function summary(): void {
  console.info(
    `[summary] joined ${stats.joined} active ${stats.active} moved ${stats.moved} left ${stats.left} ` +
      `drops ${stats.drops} reconnects ${stats.reconnects} inputs ${stats.inputs} ` +
      `chat sent/received ${stats.chatsSent}/${stats.chatsReceived} ` +
      `shots ${stats.shots} refused ${stats.combatRefused} kills ${stats.kills} ` +
      `travels ${stats.travels} (failed ${stats.travelsFailed}) server errors ${stats.serverErrors} ` +
      `max input lag ${stats.maxInputLag}`,
  );
  stats.maxInputLag = 0;
}

function startOnce(): void {
  if (started) return;
  started = true;
  setInterval(summary, 10_000);
  if (durationSeconds > 0) setTimeout(() => void finish(), durationSeconds * 1000);
}

/**
 * Waits for HTTP set-ups in flight (an aborted request is needless noise on
 * the server), leaves every room consented (the server saves and frees the
 * characters at once instead of holding them for reconnection), then exits.
 */
async function finish(): Promise<void> {
  finishing = true;
  console.info(`[summary] duration reached: leaving ${rooms.size} rooms`);
  const settle = (promises: Promise<unknown>[]) =>
    Promise.race([Promise.allSettled(promises), new Promise((resolve) => setTimeout(resolve, 5000))]);
  await settle([...setups.values()]);
  await settle([...rooms].map((room) => room.leave(true)));
  summary();
  saveAccounts();
  // @colyseus/loadtest writes its --output file from its SIGTERM handler.
  process.kill(process.pid, "SIGTERM");
}

// ---------------------------------------------------------------------------
// HTTP

/** ws://host:port → http://host:port (wss → https), without a trailing slash. */
function httpBase(endpoint: string): string {
  const url = new URL(endpoint);
  if (url.protocol === "ws:") url.protocol = "http:";
  else if (url.protocol === "wss:") url.protocol = "https:";
  return url.href.replace(/\/+$/, "");
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function request<T>(method: "GET" | "POST", url: string, body?: unknown, token?: string): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers["content-type"] = "application/json";
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  if (!res.ok) {
    const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
    const hint =
      res.status === 429
        ? " (raise AUTH_RATE_LIMIT_PER_MINUTE and HTTP_RATE_LIMIT_PER_MINUTE on the server for load tests)"
        : "";
    const path = new URL(url).pathname;
    throw new HttpError(
      res.status,
      `${method} ${path} → ${res.status} ${error?.code ?? ""}: ${error?.message ?? text}${hint}`,
    );
  }
  return parsed as T;
}

// ---------------------------------------------------------------------------
// Accounts: registered fresh, or reused from --accounts.

interface SavedAccount {
  username: string;
  name: string;
  characterId: string;
  refreshToken: string;
}
interface AccountsFile {
  version: 1;
  /** By server HTTP base, then by loadtest clientId. */
  servers: Record<string, Record<string, SavedAccount>>;
}

const saved: AccountsFile = loadAccounts();
let saveTimer: NodeJS.Timeout | undefined;

function loadAccounts(): AccountsFile {
  if (!accountsFile || !existsSync(accountsFile)) return { version: 1, servers: {} };
  try {
    const data = JSON.parse(readFileSync(accountsFile, "utf8")) as AccountsFile;
    if (data.version === 1 && typeof data.servers === "object" && data.servers) return data;
  } catch {
    // fall through
  }
  usage(`--accounts ${accountsFile}: not an accounts file written by this scenario`);
}

function saveAccounts(): void {
  if (!accountsFile) return;
  if (saveTimer) clearTimeout(saveTimer);
  saveTimer = undefined;
  // Refresh tokens rotate on every use, so the file is rewritten as they change.
  writeFileSync(accountsFile + ".tmp", JSON.stringify(saved, null, 1) + "\n", { mode: 0o600 });
  renameSync(accountsFile + ".tmp", accountsFile);
}

function remember(base: string, id: number, account: SavedAccount): void {
  if (!accountsFile) return;
  (saved.servers[base] ??= {})[String(id)] = account;
  saveTimer ??= setTimeout(saveAccounts, 1000);
}
process.on("exit", () => {
  if (saveTimer) saveAccounts();
});

interface Account {
  name: string;
  token: string;
  characterId: string;
}

/** Set-ups in flight, by `${clientId}:${attempt}`; started ahead of the joins (see `bot`). */
const setups = new Map<string, Promise<Account>>();

function setup(base: string, id: number, attempt: number): Promise<Account> {
  const key = `${id}:${attempt}`;
  let pending = setups.get(key);
  if (!pending) {
    pending = createAccount(base, id, attempt);
    // A set-up started ahead that fails is reported when its bot awaits it.
    pending.catch(() => {});
    setups.set(key, pending);
  }
  return pending;
}

async function createAccount(base: string, id: number, attempt: number): Promise<Account> {
  // --reestablishAllDelay calls `bot` again for a clientId: that gets a fresh
  // account, as the old character may still be held for reconnection.
  const reusable = attempt === 0 ? saved.servers[base]?.[String(id)] : undefined;
  if (reusable) {
    try {
      const pair = await request<TokenPair>("POST", `${base}/auth/refresh`, {
        refreshToken: reusable.refreshToken,
      });
      remember(base, id, { ...reusable, refreshToken: pair.refreshToken });
      return { name: reusable.name, token: pair.token, characterId: reusable.characterId };
    } catch (err) {
      if (!(err instanceof HttpError) || err.status !== 401) throw err;
      // Session gone (revoked, expired, or the server's data was reset): log in again below.
    }
  }
  const suffix = attempt === 0 ? `${runId}_${id}` : `${runId}_${id}_${attempt}`;
  const username = reusable?.username ?? `lt_${suffix}`;
  const name = reusable?.name ?? `Bot_${suffix}`;

  let pair: TokenPair;
  try {
    if (!reusable) throw new HttpError(401, "new account");
    pair = await request<TokenPair>("POST", `${base}/auth/login`, { username, password });
  } catch (err) {
    if (!(err instanceof HttpError) || err.status !== 401) throw err;
    await request("POST", `${base}/auth/register`, { username, password });
    pair = await request<TokenPair>("POST", `${base}/auth/login`, { username, password });
  }
  const existing = reusable
    ? (await request<CharacterSummary[]>("GET", `${base}/characters`, undefined, pair.token)).find(
        (c) => c.name === name,
      )
    : undefined;
  const character =
    existing ?? (await request<CharacterSummary>("POST", `${base}/characters`, { name }, pair.token));
  if (attempt === 0)
    remember(base, id, { username, name, characterId: character.id, refreshToken: pair.refreshToken });
  return { name, token: pair.token, characterId: character.id };
}

// ---------------------------------------------------------------------------
// The bot

const randomBetween = (min: number, max: number) => min + Math.random() * (max - min);

/** A new heading every 2–5 s; one time in five the bot stands still instead. */
function nextDirection(): { dx: number; dy: number } {
  if (Math.random() < 0.2) return { dx: 0, dy: 0 };
  const angle = Math.random() * Math.PI * 2;
  return { dx: Math.cos(angle), dy: Math.sin(angle) };
}

const LINES = [
  "Anyone seen the Oracle?",
  "Hardline's this way.",
  "Red pill, every time.",
  "Agents spotted near the rail yard.",
  "Need a ride out of here.",
  "Déjà vu... a black cat went past twice.",
];

const attempts = new Map<number, number>();

async function bot(options: Options): Promise<void> {
  startOnce();
  if (finishing) return;
  const id = options.clientId;
  const base = httpBase(options.endpoint);
  const attempt = attempts.get(id) ?? 0;
  attempts.set(id, attempt + 1);
  // The loadtest awaits each bot before starting the next: start the next
  // bots' HTTP set-ups now so the server hashes passwords in parallel.
  for (let next = id + 1; next <= id + setupAhead && next < options.numClients; next++) {
    void setup(base, next, attempts.get(next) ?? 0);
  }
  const key = `${id}:${attempt}`;
  const { name, token, characterId } = await setup(base, id, attempt).finally(() => setups.delete(key));

  const client = new Client(options.endpoint);
  client.auth.token = token;
  let district = districts[id % districts.length]!;
  let room: Room = await client.joinOrCreate(options.roomName ?? "district", { district, characterId });
  // --reestablishAllDelay drops every connection to reconnect from scratch; the
  // 0.18 SDK would otherwise quietly resume each dropped session, so the old
  // bots would live on next to the new ones.
  if (options.reestablishAllDelay > 0) room.reconnection.enabled = false;
  stats.joined++;
  stats.active++;
  console.log(`${name} joined ${district} (room ${room.roomId})`);

  let seq = 0;
  let { dx, dy } = nextDirection();
  let turnAt = Date.now() + randomBetween(2000, 5000);
  let origin: { x: number; y: number } | undefined;
  let moved = false;
  let traveling = false;
  let input = room.input<MoveInputData>();

  /** Listens to one room; travel swaps rooms, and the timers below always use the current one. */
  const attach = (r: Room): void => {
    rooms.add(r);
    r.onMessage("chat", () => {
      stats.chatsReceived++;
    });
    r.onMessage("combat", (event: { kind?: string; entity?: string; killerId?: string }) => {
      if (event.kind === "death" && event.entity === "npc" && event.killerId === r.sessionId) stats.kills++;
    });
    r.onMessage(
      "travel",
      (msg: { district: string; reservation: Parameters<Client["consumeSeatReservation"]>[0] }) => {
        void arrive(msg.district, msg.reservation);
      },
    );
    r.onMessage("*", () => {});
    r.onMessage("error", (payload: { code?: string; message?: string }) => {
      if (payload?.code && COMBAT_REFUSALS.has(payload.code)) {
        stats.combatRefused++;
        return;
      }
      if (payload?.code === "travel_failed") {
        traveling = false;
        stats.travelsFailed++;
      }
      stats.serverErrors++;
      console.error(`${name}: server error ${payload?.code}: ${payload?.message}`);
    });
    r.onError((code, message) => {
      stats.serverErrors++;
      console.error(`${name}: room error ${code}: ${message ?? ""}`);
    });
    r.onDrop((code) => {
      stats.drops++;
      console.warn(`${name}: connection dropped (${code})${r.reconnection.enabled ? "; reconnecting" : ""}`);
    });
    r.onReconnect(() => {
      stats.reconnects++;
    });
    r.onLeave((code, reason) => {
      rooms.delete(r);
      // Leaving the old room after a travel is not the bot leaving.
      if (r !== room) return;
      stopTimers();
      stats.active--;
      stats.left++;
      if (code !== CloseCode.CONSENTED && code !== CloseCode.NORMAL_CLOSURE) {
        console.warn(`${name} left ${district}: code ${code}${reason ? ` (${reason})` : ""}`);
      }
    });
  };

  /** The server answered `travel`: take the seat there, then leave the old room. */
  const arrive = async (
    to: string,
    reservation: Parameters<Client["consumeSeatReservation"]>[0],
  ): Promise<void> => {
    try {
      const next = await client.consumeSeatReservation(reservation);
      if (options.reestablishAllDelay > 0) next.reconnection.enabled = false;
      const old = room;
      room = next;
      district = to;
      input = room.input<MoveInputData>();
      // A new room acknowledges from 0: so does the lag measure.
      seq = 0;
      origin = undefined;
      attach(next);
      stats.travels++;
      await old.leave(true).catch(() => {});
    } catch (err) {
      stats.travelsFailed++;
      console.error(`${name}: could not arrive in ${to}: ${(err as Error).message}`);
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
    input.data.seq = ++seq;
    input.data.moveX = dx;
    input.data.moveY = dy;
    input.send();
    stats.inputs++;

    const me = (room.state as DistrictStateView | undefined)?.players?.get(room.sessionId);
    if (me) {
      stats.maxInputLag = Math.max(stats.maxInputLag, seq - me.ack);
      origin ??= { x: me.x, y: me.y };
      if (!moved && Math.hypot(me.x - origin.x, me.y - origin.y) > 1) {
        moved = true;
        stats.moved++;
      }
    }
  }, moveIntervalMs);

  let chatTimer: NodeJS.Timeout | undefined;
  const scheduleChat = () => {
    if (chatIntervalSeconds <= 0) return;
    chatTimer = setTimeout(
      () => {
        room.send("chat", { channel: "say", text: LINES[Math.floor(Math.random() * LINES.length)]! });
        stats.chatsSent++;
        scheduleChat();
      },
      randomBetween(0.5, 1.5) * chatIntervalSeconds * 1000,
    );
  };
  scheduleChat();

  let fightTimer: NodeJS.Timeout | undefined;
  const scheduleFight = () => {
    if (fightIntervalSeconds <= 0) return;
    fightTimer = setTimeout(
      () => {
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
          room.send("ability", { abilityId: STARTER_SHOT.id, targetId: target });
          stats.shots++;
        }
        scheduleFight();
      },
      randomBetween(0.5, 1.5) * fightIntervalSeconds * 1000,
    );
  };
  scheduleFight();

  let travelTimer: NodeJS.Timeout | undefined;
  const scheduleTravel = () => {
    if (travelIntervalSeconds <= 0) return;
    travelTimer = setTimeout(
      () => {
        const others = ALL_DISTRICTS.filter((d) => d !== district);
        if (!traveling && others.length > 0) {
          traveling = true;
          room.send("travel", { district: others[Math.floor(Math.random() * others.length)]! });
        }
        scheduleTravel();
      },
      randomBetween(0.5, 1.5) * travelIntervalSeconds * 1000,
    );
  };
  scheduleTravel();

  function stopTimers(): void {
    clearInterval(moveTimer);
    if (chatTimer) clearTimeout(chatTimer);
    if (fightTimer) clearTimeout(fightTimer);
    if (travelTimer) clearTimeout(travelTimer);
  }
}

cli(bot);
