import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Prng } from "./Prng.js";
import { deepValue, put, randomNumber, randomString, randomValue } from "./values.js";

/** What a fuzzing client has seen of its room, so some messages name real targets. */
export interface WorldHints {
  sessionIds: string[];
  npcIds: string[];
  names: string[];
}

const CONTENT = resolve(import.meta.dirname, "../content");
function ids(file: string, key: string): string[] {
  try {
    const json = JSON.parse(readFileSync(resolve(CONTENT, file), "utf8")) as Record<string, { id: string }[]>;
    return (json[key] ?? []).map((e) => e.id);
  } catch {
    return [];
  }
}
const ABILITIES = ids("abilities.json", "abilities");
const MISSIONS = ids("missions.json", "missions");
const CONTACTS = ids("missions.json", "contacts");
const DISTRICTS = ids("districts.json", "districts");
const ITEMS = ids("items.json", "items");
const COMMANDS = [
  "teleport",
  "summon",
  "spawn",
  "despawn",
  "give",
  "take",
  "kick",
  "ban",
  "unban",
  "mute",
  "unmute",
  "announce",
  "inspect",
  "setstat",
  "heal",
  "invisible",
  "reverse",
  "replay",
];

/**
 * Every client message type of the contract (src/framework/contract, src/mxo/contract and
 * contract §3, §7), the room's own extras, and names no handler knows.
 */
export const MESSAGE_TYPES = [
  "chat",
  "chat:history",
  "ability",
  "interlock",
  "mission",
  "travel",
  "gm",
  "gm:metrics",
  "loadout",
  "interact",
  "allocate",
  "equip",
  "unequip",
  "use",
  "buy",
  "sell",
  "trade",
  "team",
  "error",
  "gm:result",
  "*",
  "__proto__",
  "constructor",
  "_$bchat",
] as const;

/** A plausible payload per type: what an honest client sends, with real ids where the fuzzer knows some. */
function plausible(r: Prng, type: string, w: WorldHints): unknown {
  const target = () => r.pick([...w.sessionIds, ...w.npcIds, randomString(r, 40)].filter(Boolean));
  const name = () => (w.names.length && r.chance(0.7) ? r.pick(w.names) : randomString(r, 24));
  switch (type) {
    case "chat":
      return {
        channel: r.pick(["say", "district", "organization", "whisper", "global", "team", "shout"]),
        text: randomString(r, 300),
        ...(r.chance(0.3) ? { to: name() } : {}),
      };
    case "chat:history":
      return { channel: r.pick(["district", "organization", "global", "say"]) };
    case "ability":
      return { abilityId: r.pick([...ABILITIES, randomString(r, 70)]), targetId: target() };
    case "interlock":
      return { action: r.pick(["quick", "power", "grab", "block", "withdraw", "dance"]) };
    case "mission":
      return {
        action: r.pick(["accept", "abandon", "turn_in", "complete"]),
        missionId: r.pick([...MISSIONS, randomString(r, 70)]),
      };
    case "travel":
      // Rarely a real district: a successful travel moves the fuzzing client away (it then rejoins).
      return {
        district: r.chance(0.05) ? r.pick(DISTRICTS) : randomString(r, 40),
        hardline: randomString(r, 20),
      };
    case "gm":
      return {
        command: r.pick([...COMMANDS, randomString(r, 40)]),
        args: Array.from({ length: r.length(8) }, () => (r.chance(0.5) ? name() : randomString(r, 600))),
      };
    case "gm:metrics":
      return { on: r.chance(0.5) };
    case "loadout":
      return {
        abilities: Array.from({ length: r.length(20) }, () => r.pick([...ABILITIES, randomString(r, 70)])),
      };
    case "interact":
      return { target: r.pick([...CONTACTS, ...w.npcIds, randomString(r, 70)].filter(Boolean)) };
    case "allocate":
      return { stat: r.pick(["focus", "perception", "reason", "belief", "vitality", "luck"]) };
    case "equip":
    case "use":
      return { itemId: r.pick([...ITEMS, randomString(r, 40)]) };
    case "unequip":
      return { slot: randomString(r, 20) };
    case "buy":
    case "sell":
      return {
        vendorId: randomString(r, 30),
        itemId: r.pick([...ITEMS, randomString(r, 40)]),
        qty: randomNumber(r),
      };
    case "trade":
      return {
        action: r.pick(["open", "set", "confirm", "cancel"]),
        with: name(),
        items: [{ itemId: r.pick([...ITEMS, "x"]), qty: randomNumber(r) }],
        information: randomNumber(r),
      };
    case "team":
      return { action: r.pick(["invite", "accept", "decline", "leave", "kick"]), name: name() };
    default:
      return randomValue(r);
  }
}

/** Drops, swaps or poisons parts of a payload: wrong types, extra keys, NUL, huge strings, nesting. */
function reshape(r: Prng, value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  const keys = Object.keys(out);
  for (let i = 0, n = 1 + r.int(3); i < n; i++) {
    const key = keys.length ? r.pick(keys) : "x";
    r.weighted<() => void>([
      [25, () => delete out[key]],
      [25, () => put(out, key, randomValue(r))],
      [10, () => put(out, key, "x".repeat(r.range(257, 12_000)))],
      [10, () => put(out, key, `${typeof out[key] === "string" ? out[key] : "x"}\u0000`)],
      [10, () => put(out, randomString(r, 20), randomValue(r))],
      [5, () => put(out, key, deepValue(r))],
      [5, () => put(out, "__proto__", { polluted: true })],
      [10, () => put(out, key, r.pick([null, undefined, [], {}, 0, -1, true, Number.NaN]))],
    ])();
  }
  return out;
}

/** A message for `room.send(type, payload)`: plausible, reshaped, or any value at all. */
export function randomMessage(r: Prng, w: WorldHints): { type: string | number; payload: unknown } {
  const type = r.weighted<() => string | number>([
    [85, () => r.pick(MESSAGE_TYPES)],
    [10, () => randomString(r, 40) || "x"],
    [5, () => r.int(1000)],
  ])();
  const payload = r.weighted<() => unknown>([
    [45, () => plausible(r, String(type), w)],
    [35, () => reshape(r, plausible(r, String(type), w))],
    [15, () => randomValue(r)],
    [5, () => undefined],
  ])();
  return { type, payload };
}
