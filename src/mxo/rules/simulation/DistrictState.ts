import type { ContentPack } from "../../content/ContentPack.js";
import type { DistrictDef } from "../../content/schema/district.js";
import type { NpcTemplateDef } from "../../content/schema/npc.js";
import {
  createCombatState,
  secondsToTicks,
  type CombatEvent,
  type CombatState,
  type Position,
} from "../combat/index.js";
import { combatAbilities, districtCombatConfig } from "../adapters.js";
import type { Effect } from "../effects.js";
import { createRng, seedFrom, type Rng } from "../npc/rng.js";
import type { NpcWorldView, SimNpc, SpawnZone } from "../npc/types.js";
import type { DistrictPlayer } from "./DistrictPlayer.js";
import type { GameEvent } from "./GameEvent.js";
import { PlayerGrid } from "./playerGrid.js";
import { DEFAULT_TUNING, type GameTuning } from "./GameTuning.js";
import { createWorld, type World } from "./world.js";

export interface SimulationOptions {
  /** Steps per second, 1–60; `step()` advances 1/tickRate seconds. */
  tickRate: number;
  /** Integer seed of every random stream (combat, NPC AI, loot). */
  seed: number;
  tuning?: Partial<GameTuning>;
}

/** An NPC following a player for a mission's escort objective. */
export interface Escort {
  owner: string;
  template: string;
  to: { x: number; y: number; radius: number };
  /** Its zone of one, kept to re-create it after a content deploy. */
  zone: SpawnZone;
}

export type CombatDeath = Extract<CombatEvent, { type: "death" }>;

/**
 * Everything one district's simulation holds, as plain data shared by its
 * phases (`phases/`) and requests. Only `DistrictSimulation` hands it out.
 */
export interface DistrictState {
  readonly tickRate: number;
  /** Seconds per step. */
  readonly dt: number;
  readonly tuning: Readonly<GameTuning>;
  readonly respawnTicks: number;
  readonly outOfCombatTicks: number;
  /** The district definition in force (replaced by `applyContent`). */
  def: DistrictDef;
  /** The content in force (replaced by `applyContent`). */
  pack: ContentPack;
  /** Players by session id, one record each (also their combatant in `combat`). */
  readonly world: World<DistrictPlayer>;
  /** Players and NPCs as fighters; a player's entry is its `DistrictPlayer` itself. */
  readonly combat: CombatState;
  zones: SpawnZone[];
  /** Zone id → z of its centre (the NPC rules are 2D). */
  zoneZ: Map<string, number>;
  templateDefs: Map<string, NpcTemplateDef>;
  readonly npcs: Map<string, SimNpc>;
  /** Everyone's position, by id; players and NPCs by reference to their records. */
  readonly positions: Map<string, Position>;
  /** Players with an input for the next step (on their record), in arrival order. */
  readonly inputs: Map<string, DistrictPlayer>;
  /** Players an NPC is chasing or attacking this tick (they are in combat). */
  readonly targeted: Set<string>;
  readonly aiRng: Rng;
  readonly lootRng: Rng;
  /** Heals roll from their own stream: a heal never shifts a loot roll or a hit. */
  readonly effectRng: Rng;
  /** Running buffs, debuffs and movement effects, by entity id. */
  readonly effects: Map<string, readonly Effect[]>;
  /** Movement multipliers from effects (absent: 1), by entity id. */
  readonly speedFactor: Map<string, number>;
  /** Players hidden from NPCs (`stealth`); their own attacks reveal them. */
  readonly stealthed: Set<string>;
  /** Players by position for the NPCs' target search, rebuilt once a step (`phases/npcAi.ts`). */
  readonly playerGrid: PlayerGrid;
  /** What NPCs that see nobody get. */
  readonly noPlayers: NpcWorldView;
  /** NPCs following a player for an escort objective, by NPC id. */
  readonly escorts: Map<string, Escort>;
  /** GM spawn batches so far, for unique zone ids. */
  gmSpawns: number;
  /** Events since the last step (or `applyContent`), in order. */
  out: GameEvent[];
  /** Deaths combat reported, kept for the deaths phase. */
  deaths: CombatDeath[];
}

/** A district at tick 0, before its zones are built and filled. */
export function createDistrictState(
  district: DistrictDef,
  pack: ContentPack,
  options: SimulationOptions,
): DistrictState {
  const { tickRate, seed } = options;
  if (!Number.isInteger(tickRate) || tickRate < 1 || tickRate > 60) {
    throw new RangeError(`tickRate must be an integer in 1..60, got ${tickRate}`);
  }
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  const tuning = { ...DEFAULT_TUNING, ...options.tuning };
  return {
    tickRate,
    dt: 1 / tickRate,
    tuning,
    // At least one tick, so a death and its respawn never share a step.
    respawnTicks: Math.max(1, secondsToTicks(tuning.playerRespawnSeconds, tickRate)),
    outOfCombatTicks: secondsToTicks(tuning.outOfCombatSeconds, tickRate),
    def: district,
    pack,
    world: createWorld<DistrictPlayer>(district.id, district.bounds),
    // Independent streams: a loot roll never shifts an NPC's wander, nor a wander a hit.
    combat: createCombatState({
      config: districtCombatConfig(district, tickRate),
      seed: seedFrom("combat", seed),
      abilities: combatAbilities(pack),
      tick: 0,
    }),
    zones: [],
    zoneZ: new Map(),
    templateDefs: new Map(),
    npcs: new Map(),
    positions: new Map(),
    inputs: new Map(),
    targeted: new Set(),
    aiRng: createRng(seedFrom("npc-ai", seed)),
    lootRng: createRng(seedFrom("loot", seed)),
    effectRng: createRng(seedFrom("effects", seed)),
    effects: new Map(),
    speedFactor: new Map(),
    stealthed: new Set(),
    playerGrid: new PlayerGrid(),
    noPlayers: { bounds: district.bounds, players: new Map() },
    escorts: new Map(),
    gmSpawns: 0,
    out: [],
    deaths: [],
  };
}

/** Hands out the events gathered so far and starts a new list. */
export function takeEvents(s: DistrictState): GameEvent[] {
  const events = s.out;
  s.out = [];
  return events;
}
