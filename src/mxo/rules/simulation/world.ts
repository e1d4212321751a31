import { sanitizeIntent, stepMovement, type Bounds, type MoveIntent } from "../../../framework/movement.js";

/**
 * Simulation state of one district: plain objects owned by the tick. The room
 * copies what changed into the replicated schema after each step.
 */
export interface SimPlayer {
  sessionId: string;
  characterId: string;
  name: string;
  organization: string;
  x: number;
  y: number;
  z: number;
  heading: number;
  hp: number;
  maxHp: number;
  level: number;
  speed: number;
  /** The intent applied every tick until a newer input replaces it. */
  intent: MoveIntent;
  /** Last applied input sequence number. */
  ack: number;
}

export interface World<P extends SimPlayer = SimPlayer> {
  district: string;
  bounds: Bounds;
  tick: number;
  players: Map<string, P>;
}

export interface RawInput {
  seq: number;
  moveX: number;
  moveY: number;
}

export interface StepResult {
  /** Inputs dropped because a component was NaN or infinite. */
  invalidInputs: number;
}

export function createWorld<P extends SimPlayer = SimPlayer>(district: string, bounds: Bounds): World<P> {
  return { district, bounds, tick: 0, players: new Map() };
}

/**
 * One fixed step: apply at most one buffered input per player (the caller
 * drains one per tick), then move everyone along their current intent.
 */
export function stepWorld(world: World, inputs: ReadonlyMap<string, RawInput>, dt: number): StepResult {
  let invalidInputs = 0;
  for (const [sessionId, input] of inputs) {
    const player = world.players.get(sessionId);
    if (!player) continue;
    if (!applyInput(player, input.seq, sanitizeIntent(input.moveX, input.moveY))) invalidInputs++;
  }
  for (const player of world.players.values()) movePlayer(player, dt, world.bounds);
  world.tick++;
  return { invalidInputs };
}

/**
 * An input, its direction already sanitized (`undefined`: it was not finite).
 * The seq is acknowledged even for a rejected input: the client consumed it
 * and its predictor must not wait for it forever. Returns whether it applied.
 */
export function applyInput(player: SimPlayer, seq: number, intent: MoveIntent | undefined): boolean {
  player.ack = seq;
  if (!intent) return false;
  player.intent = intent;
  return true;
}

/** Moves one player a fixed step along its intent at its speed, inside `bounds`. */
export function movePlayer(player: SimPlayer, dt: number, bounds: Bounds): void {
  const moved = stepMovement(player, player.intent, player.speed, dt, bounds);
  if (moved !== player) {
    player.x = moved.x;
    player.y = moved.y;
    player.heading = moved.heading;
  }
}
