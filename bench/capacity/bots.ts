import type { Client, Room } from "@colyseus/sdk";
import { joinDistrict, me, newPlayer, waitFor, type TestPlayer } from "../../test/helpers/api.js";
import { received } from "../../test/helpers/client.js";
import type { ServerHandle } from "../../test/helpers/serverProcess.js";

export const DISTRICTS = ["richland", "westview", "downtown", "international"] as const;
export const ORGANIZATIONS = ["zion", "machines", "merovingian"] as const;

/** One SDK player: its account and character, the process it entered through, its room once joined. */
export interface Bot {
  i: number;
  p: TestPlayer;
  organization: string;
  district: string;
  server: ServerHandle;
  client?: Client;
  room?: Room<any>;
}

/** Runs `fn` over `items` with at most `width` at a time (the machine has two cores). */
export async function pool<T, R>(
  items: T[],
  width: number,
  fn: (t: T, i: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

/** Accounts and characters over HTTP, spread over processes, districts and organizations. */
export async function makeBots(servers: ServerHandle[], n: number): Promise<Bot[]> {
  return pool(
    Array.from({ length: n }, (_, i) => i),
    4,
    async (i) => {
      const organization = ORGANIZATIONS[i % ORGANIZATIONS.length]!;
      const server = servers[i % servers.length]!;
      const p = await newPlayer(server.http, organization);
      return { i, p, organization, district: DISTRICTS[i % DISTRICTS.length]!, server };
    },
  );
}

/** Joins the bot's district through its process (the room may live on any) and waits for its own state. */
export async function join(bot: Bot): Promise<void> {
  const { client, room } = await joinDistrict(bot.server.ws, bot.p, bot.district);
  room.reconnection.enabled = false;
  bot.client = client;
  bot.room = room;
  await waitFor(() => me(room) && received(room, "inventory").length > 0, {
    timeoutMs: 30_000,
    what: `${bot.p.characterName} in ${bot.district}`,
  });
}

export function roomOf(bot: Bot): Room<any> {
  if (!bot.room) throw new Error(`${bot.p.characterName} is not in a room`);
  return bot.room;
}

/** Chat lines carrying `tag` that the bot received. */
export function heard(bot: Bot, tag: string): { channel: string; text: string; to?: string }[] {
  return received<{ channel: string; text: string; to?: string }>(roomOf(bot), "chat").filter((l) =>
    l.text.includes(tag),
  );
}

/**
 * `travel {district}` to the next district, then the seat reservation it
 * answers with; resolves once the bot stands in the new room.
 */
export async function travel(bot: Bot): Promise<void> {
  const room = roomOf(bot);
  const target = DISTRICTS[(DISTRICTS.indexOf(bot.district as (typeof DISTRICTS)[number]) + 1) % 4]!;
  const answers = received<{ reservation?: unknown }>(room, "travel");
  const seen = answers.length;
  room.send("travel", { district: target });
  const answer = await waitFor(() => answers.slice(seen).find((a) => a.reservation), {
    timeoutMs: 20_000,
    what: `${bot.p.characterName}'s travel reservation`,
  });
  const next = await bot.client!.consumeSeatReservation(answer.reservation as never);
  next.reconnection.enabled = false;
  await waitFor(() => me(next), { timeoutMs: 20_000, what: `${bot.p.characterName} in ${target}` });
  void room.leave().catch(() => {});
  bot.room = next;
  bot.district = target;
}

type TradeUpdate = { state: string };

/** A full trade (open, both sides set, both confirm) of one item from `a` to `b`; resolves when both see `done`. */
export async function tradeItem(a: Bot, b: Bot, itemId: string): Promise<void> {
  const ra = roomOf(a);
  const rb = roomOf(b);
  const ta = received<TradeUpdate>(ra, "trade");
  const tb = received<TradeUpdate>(rb, "trade");
  const [na, nb] = [ta.length, tb.length];
  const step = async (list: TradeUpdate[], from: number, what: string, ok: (t: TradeUpdate) => boolean) =>
    waitFor(() => list.slice(from).find(ok), { timeoutMs: 20_000, what });
  ra.send("trade", { action: "open", with: b.p.characterName });
  await step(tb, nb, "trade open", (t) => t.state === "open");
  let mark = tb.length;
  ra.send("trade", { action: "set", items: [{ itemId, qty: 1 }] });
  await step(tb, mark, "trade offer", (t) => t.state === "updated");
  mark = tb.length;
  ra.send("trade", { action: "confirm" });
  await step(tb, mark, "a confirmed", (t) => t.state === "updated");
  rb.send("trade", { action: "confirm" });
  await step(ta, na, "done for a", (t) => t.state === "done" || t.state === "cancelled");
  const done = await step(tb, nb, "done for b", (t) => t.state === "done" || t.state === "cancelled");
  if (done.state !== "done")
    throw new Error(`trade ${a.p.characterName} → ${b.p.characterName}: ${done.state}`);
}

type TeamUpdate = { members: { name: string }[]; invite?: { from: string } };

/** `a` invites `b`, `b` accepts: a team of two, both sides told. */
export async function formTeam(a: Bot, b: Bot): Promise<void> {
  const tb = received<TeamUpdate>(roomOf(b), "team");
  const ta = received<TeamUpdate>(roomOf(a), "team");
  const [na, nb] = [ta.length, tb.length];
  roomOf(a).send("team", { action: "invite", name: b.p.characterName });
  await waitFor(() => tb.slice(nb).find((t) => t.invite), { timeoutMs: 20_000, what: "team invite" });
  roomOf(b).send("team", { action: "accept" });
  await waitFor(() => ta.slice(na).find((t) => t.members.length === 2), {
    timeoutMs: 20_000,
    what: "team of 2",
  });
}
