import assert from "node:assert/strict";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { CharacterStats } from "../../../../../src/mxo/rules/characterRules.js";
import type { ContentPack } from "../../../../../src/mxo/content/ContentPack.js";
import { loadContentPack } from "../../../../../src/mxo/content/loadContentPack.js";
import type { DistrictDef } from "../../../../../src/mxo/content/schema/district.js";
import { validateContentPack } from "../../../../../src/mxo/content/validateContentPack.js";
import {
  DistrictSimulation,
  type GameEvent,
  type GameResult,
  type NpcView,
  type PlayerJoin,
  type SimulationOptions,
} from "../../../../../src/mxo/rules/index.js";
import type { CombatEvent } from "../../../../../src/mxo/rules/combat/index.js";
import { maxHealth } from "../../../../../src/mxo/rules/characterRules.js";

export const TICK_RATE = 20;
export const ROUND_TICKS = 60; // 3 s at 20 Hz
export const FIVES: CharacterStats = { focus: 5, perception: 5, reason: 5, belief: 5, vitality: 5 };

const SHIPPED_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../../../../content");
let shipped: ContentPack | undefined;

/** The shipped content pack, loaded once. */
export function pack(): ContentPack {
  shipped ??= loadContentPack(SHIPPED_DIR);
  return shipped;
}

export function district(id: string, over: Partial<DistrictDef> = {}): DistrictDef {
  const def = pack().district(id);
  assert.ok(def, `district ${id}`);
  return { ...def, ...over };
}

/** The shipped pack with its JSON edited by `edit` and validated again. */
export function editedPack(edit: (json: any) => void): ContentPack {
  const json = structuredClone(pack().toJSON()) as any;
  edit(json);
  const result = validateContentPack(json);
  assert.ok(result.ok, result.ok ? "" : JSON.stringify(result.errors));
  return result.pack;
}

export function sim(
  def: DistrictDef = district("richland"),
  options: Partial<SimulationOptions> = {},
  content: ContentPack = pack(),
): DistrictSimulation {
  return new DistrictSimulation(def, content, { tickRate: TICK_RATE, seed: 1, ...options });
}

/** A fresh level-`level` character (stats 5, full HP) joining at (x, y). */
export function join(sessionId: string, x: number, y: number, over: Partial<PlayerJoin> = {}): PlayerJoin {
  const level = over.level ?? 1;
  const stats = over.stats ?? FIVES;
  const maxHp = over.maxHp ?? maxHealth(stats, level);
  return {
    sessionId,
    characterId: `char-${sessionId}`,
    name: `Name-${sessionId}`,
    organization: "zion",
    x,
    y,
    z: 0,
    heading: 0,
    hp: maxHp,
    maxHp,
    level,
    stats,
    ...over,
  };
}

/** Steps until `done` holds after a step (or `maxTicks` pass); returns every event on the way. */
export function runUntil(
  s: DistrictSimulation,
  done: (events: GameEvent[]) => boolean,
  maxTicks: number,
  beforeStep: () => void = () => {},
): GameEvent[] {
  const all: GameEvent[] = [];
  for (let i = 0; i < maxTicks; i++) {
    beforeStep();
    const events = s.step();
    all.push(...events);
    if (done(events)) return all;
  }
  assert.fail(`condition not met within ${maxTicks} ticks`);
}

export function run(s: DistrictSimulation, ticks: number, beforeStep: () => void = () => {}): GameEvent[] {
  const all: GameEvent[] = [];
  for (let i = 0; i < ticks; i++) {
    beforeStep();
    all.push(...s.step());
  }
  return all;
}

export function combatEvents<T extends CombatEvent["type"]>(
  events: readonly GameEvent[],
  type: T,
): Extract<CombatEvent, { type: T }>[] {
  return events.flatMap((e) =>
    e.kind === "combat" && e.event.type === type ? [e.event as Extract<CombatEvent, { type: T }>] : [],
  );
}

export function ofKind<K extends GameEvent["kind"]>(
  events: readonly GameEvent[],
  kind: K,
): Extract<GameEvent, { kind: K }>[] {
  return events.filter((e): e is Extract<GameEvent, { kind: K }> => e.kind === kind);
}

export function firstNpc(s: DistrictSimulation, template: string): NpcView {
  const npc = s.npcs().find((n) => n.template === template);
  assert.ok(npc, `an NPC of ${template}`);
  return npc;
}

export function dist(a: { x: number; y: number }, b: { x: number; y: number }): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

/** A unit input toward `to` (zero when there). */
export function toward(from: { x: number; y: number }, to: { x: number; y: number }) {
  const d = dist(from, to);
  return d < 1e-9 ? { moveX: 0, moveY: 0 } : { moveX: (to.x - from.x) / d, moveY: (to.y - from.y) / d };
}

export function assertOk(result: GameResult): void {
  assert.ok(result.ok, `expected ok, got ${JSON.stringify(result)}`);
}

export function assertRefused(result: GameResult, code: string): void {
  assert.equal(result.ok, false, `expected ${code}, got ok`);
  if (!result.ok) {
    assert.equal(result.error.code, code, result.error.message);
    assert.ok(result.error.message.length > 0, "a message");
  }
}
