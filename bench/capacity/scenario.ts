import { http, sleep, waitFor } from "../../test/helpers/api.js";
import { received } from "../../test/helpers/client.js";
import { gmCommand } from "../../test/helpers/gm.js";
import { formTeam, heard, join, pool, roomOf, tradeItem, travel, type Bot } from "./bots.js";
import type { Meter, Phase } from "./phase.js";

export const CHANNELS = ["say", "district", "organization", "global", "team", "whisper"] as const;
type Channel = (typeof CHANNELS)[number];

export interface Sizes {
  lines: number;
  teams: number;
  announces: number;
  trades: number;
  travels: number;
  logins: number;
  idleSeconds: number;
}

const TRADED_ITEM = "cons-health-pack";

/**
 * The operations, one phase each, in an order that lets each use what the
 * previous left: teams before team chat, grants (of the item) before the
 * trades that hand it on, travel (from the arrival hardline) before anyone
 * has moved away, leaving last.
 */
export async function runScenario(
  meter: Meter,
  bots: Bot[],
  admin: { http: string; token: string },
  s: Sizes,
): Promise<{ phases: Phase[]; idlePlayers: Phase }> {
  const phases: Phase[] = [];
  const n = bots.length;

  phases.push(
    await meter.measure("login", "login", 0, async () => {
      const done = await pool(bots.slice(0, s.logins), 4, async (b) => {
        const res = await http(b.server.http, "POST", "/auth/login", {
          body: { username: b.p.username, password: b.p.password },
        });
        if (res.status !== 200) throw new Error(`login ${b.p.username}: ${res.status}`);
        b.p.token = res.body.token;
        return 1;
      });
      return { ops: done.length, arrived: { loggedIn: done.length } };
    }),
  );
  phases.push(
    await meter.measure("join", "join", 0, async () => {
      await pool(bots, 8, join);
      return { ops: n, arrived: { joined: bots.filter((b) => b.room).length } };
    }),
  );
  const idlePlayers = await meter.measure("idle with players, no autosave", "second", n, async () => {
    await sleep(s.idleSeconds * 1000);
    return { ops: s.idleSeconds };
  });
  phases.push(idlePlayers);

  const pairs = Array.from(
    { length: s.teams },
    (_, k) => [bots[(2 * k) % n]!, bots[(2 * k + 1) % n]!] as const,
  );
  phases.push(
    await meter.measure("team form", "team", n, async () => {
      for (const [a, b] of pairs) await formTeam(a, b);
      return { ops: pairs.length, arrived: { teams: pairs.length } };
    }),
  );

  for (const channel of CHANNELS) {
    const name = channel === "whisper" ? "whisper" : `chat ${channel}`;
    phases.push(await meter.measure(name, "line", n, () => chatPhase(bots, pairs, channel, s.lines)));
  }

  phases.push(
    await meter.measure("announce", "announce", n, async () => {
      const tag = `cap-announce-${Date.now()}`;
      for (let k = 0; k < s.announces; k++)
        await gmCommand(admin.http, admin.token, "announce", [`${tag} ${k}`]);
      const count = () =>
        bots.reduce(
          (x, b) =>
            x + received<{ text: string }>(roomOf(b), "announce").filter((a) => a.text.includes(tag)).length,
          0,
        );
      await waitFor(() => count() >= s.announces * n, { timeoutMs: 20_000, what: "announcements delivered" });
      return { ops: s.announces, arrived: { delivered: count(), expected: s.announces * n } };
    }),
  );

  // Givers and takers in the same room (same district), next to each other at its arrival hardline.
  const byDistrict = new Map<string, Bot[]>();
  for (const b of bots) byDistrict.set(b.district, [...(byDistrict.get(b.district) ?? []), b]);
  const tradePairs: [Bot, Bot][] = [];
  for (const group of byDistrict.values()) {
    for (let k = 0; k + 1 < group.length; k += 2) tradePairs.push([group[k]!, group[k + 1]!]);
  }
  const trades = tradePairs.slice(0, s.trades);
  const held = (b: Bot) =>
    received<{ items: { itemId: string; qty: number }[] }>(roomOf(b), "inventory")
      .at(-1)
      ?.items.find((i) => i.itemId === TRADED_ITEM)?.qty ?? 0;
  phases.push(
    await meter.measure("ledger grant", "grant", n, async () => {
      const before = trades.map(([a]) => held(a));
      for (const [a] of trades)
        await gmCommand(admin.http, admin.token, "give", [a.p.characterName, TRADED_ITEM, "1"]);
      await waitFor(() => trades.every(([a], k) => held(a) === before[k]! + 1), {
        timeoutMs: 20_000,
        what: "grants in the inventories",
      });
      return { ops: trades.length, arrived: { granted: trades.length } };
    }),
  );
  phases.push(
    await meter.measure("trade", "trade", n, async () => {
      const done = await pool(trades, 4, async ([a, b]) => {
        await tradeItem(a, b, TRADED_ITEM);
        return 1;
      });
      return { ops: done.length, arrived: { done: done.length } };
    }),
  );
  const travellers = bots.slice(0, s.travels);
  phases.push(
    await meter.measure("travel", "travel", n, async () => {
      await pool(travellers, 4, travel);
      return { ops: travellers.length, arrived: { arrived: travellers.length } };
    }),
  );
  phases.push(
    await meter.measure("leave", "leave", n, async () => {
      await pool(bots, 8, async (b) => roomOf(b).leave());
      return { ops: n, arrived: { left: n } };
    }),
  );
  return { phases, idlePlayers };
}

/**
 * `lines` lines on one channel from senders spread over processes and
 * districts; waits until every bot heard what it should (≥: `say` also
 * reaches whoever stands near) and reports what arrived.
 */
async function chatPhase(
  bots: Bot[],
  teams: readonly (readonly [Bot, Bot])[],
  channel: Channel,
  lines: number,
): Promise<{ ops: number; arrived: Record<string, number> }> {
  const tag = `cap-${channel}-${Date.now()}`;
  const expected = new Map<Bot, number>(bots.map((b) => [b, 0]));
  const expect = (b: Bot) => expected.set(b, expected.get(b)! + 1);
  for (let k = 0; k < lines; k++) {
    const text = `${tag} ${k}`;
    if (channel === "team") {
      const [a, b] = teams[k % teams.length]!;
      const from = k % 2 === 0 ? a : b;
      roomOf(from).send("chat", { channel, text });
      expect(a);
      expect(b);
    } else {
      const from = bots[(k * 7) % bots.length]!;
      const to = bots[(k * 7 + 1) % bots.length]!;
      roomOf(from).send(
        "chat",
        channel === "whisper" ? { channel, text, to: to.p.characterName } : { channel, text },
      );
      for (const b of bots) {
        const hears =
          channel === "global" ||
          (channel === "district" && b.district === from.district) ||
          (channel === "organization" && b.organization === from.organization) ||
          (channel === "say" && b === from) ||
          (channel === "whisper" && (b === from || b === to));
        if (hears) expect(b);
      }
    }
    await sleep(20); // 50 lines/s from the whole crowd; no one speaker near the per-client rate limit
  }
  await waitFor(() => bots.every((b) => heard(b, tag).length >= expected.get(b)!), {
    timeoutMs: 20_000,
    what: `${channel} lines delivered`,
  });
  const total = (f: (b: Bot) => number) => bots.reduce((x, b) => x + f(b), 0);
  return {
    ops: lines,
    arrived: { delivered: total((b) => heard(b, tag).length), expected: total((b) => expected.get(b)!) },
  };
}
