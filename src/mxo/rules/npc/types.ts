import type { Bounds } from "../../../framework/movement.js";

/**
 * Plain data of the NPC rules. These are the inputs this module needs, kept
 * minimal so the content pack (`src/mxo/content/`) can map its own definitions
 * onto them; the room copies `SimNpc` into `schema/NpcState` after each step.
 */

/** What kind of NPC: the part of an NPC that comes from content. Distances in world units, times in seconds. */
export interface NpcTemplate {
  id: string;
  name: string;
  level: number;
  maxHp: number;
  /** Chase speed, units/s. Wandering goes at half of it, leashing at one and a half. */
  speed: number;
  /** A living player this close to an idle NPC becomes its target (line of sight is not checked). */
  aggroRadius: number;
  /** Chasing ends once the target or the NPC is farther than this from the NPC's spawn point. */
  leashRadius: number;
  /** Distance at which the NPC stops moving and attacks. */
  attackRange: number;
  /** Ability named in the attack intents; the combat system resolves it. */
  abilityId: string;
  /** Seconds between two attack intents. */
  attackInterval: number;
  /** Idle pause between two wander legs, [min, max] seconds; default `WANDER_PAUSE`. */
  wanderPause?: readonly [number, number];
}

/** A rectangle of a district kept populated with `count` NPCs of one template. */
export interface SpawnZone {
  id: string;
  template: NpcTemplate;
  /** Spawn points, wander destinations and respawn points are drawn inside it. */
  area: Bounds;
  count: number;
  /** Seconds a dead NPC of this zone waits before it respawns. */
  respawnSeconds: number;
}

export type NpcMode = "idle" | "chase" | "attack" | "leash" | "dead";

export interface Point {
  x: number;
  y: number;
}

export interface SimNpc {
  /** `<zone id>:<slot>`: stable across deaths and respawns, so it can key the replicated map. */
  id: string;
  zoneId: string;
  /** Index within its zone, 0 ≤ slot < zone.count. */
  slot: number;
  /**
   * Kept by reference: an NPC keeps the template it spawned with until it is
   * despawned, or a content deploy (`DistrictSimulation.applyContent`) replaces it.
   */
  template: Readonly<NpcTemplate>;
  x: number;
  y: number;
  z: number;
  heading: number;
  hp: number;
  maxHp: number;
  mode: NpcMode;
  /** Player (session id, the key of `NpcWorldView.players`) being chased or attacked. */
  targetId: string | null;
  /** Where it last spawned: leash distance is measured from here and leashing returns here. */
  spawn: Point;
  /** Its zone's area: wandering stays inside, respawning picks a point in it. */
  home: Bounds;
  respawnSeconds: number;
  /** Current wander destination, `null` while pausing. */
  wanderTo: Point | null;
  /** Idle seconds left before the next wander leg. */
  pause: number;
  /** Seconds until the next attack intent may be emitted. */
  cooldown: number;
  /** Seconds left before respawning, while dead. */
  respawnIn: number;
}

/** What an NPC sees of a player; `SimPlayer` fits it, so `World` itself is an `NpcWorldView`. */
export interface NpcTargetView {
  x: number;
  y: number;
  hp: number;
}

export interface NpcWorldView {
  bounds: Bounds;
  players: ReadonlyMap<string, NpcTargetView>;
  /**
   * An optional index: every player within `radius` of (x, y) (a few beyond
   * may come too), in `players`' order. A search for a target reads it
   * instead of every player; absent, it scans `players`.
   */
  near?(x: number, y: number, radius: number): Iterable<readonly [string, NpcTargetView]>;
}

/**
 * Something the NPC wants done that is not its to decide: the combat system
 * checks range, cooldowns and immunity, then applies damage (and sets `hp`,
 * which the next `stepNpc` reads to notice a death).
 */
export interface NpcAttackIntent {
  kind: "attack";
  npcId: string;
  targetId: string;
  abilityId: string;
}

export type NpcIntent = NpcAttackIntent;
