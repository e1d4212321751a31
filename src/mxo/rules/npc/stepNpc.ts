import { headingOf, stepMovement, type Bounds, type Kinematics } from "../../../framework/movement.js";
import { between, type Rng } from "./rng.js";
import type { NpcIntent, NpcTargetView, NpcWorldView, Point, SimNpc } from "./types.js";

/** Default idle pause between two wander legs, [min, max] seconds. */
export const WANDER_PAUSE: readonly [number, number] = [2, 6];
/** Wandering is a stroll; leashing back is a run, so kiting an NPC far from home is short-lived. */
export const WANDER_SPEED_FACTOR = 0.5;
export const LEASH_SPEED_FACTOR = 1.5;
/**
 * A chase stops this far inside attack range: a target standing still then
 * stays in range, instead of flipping the NPC between chase and attack every
 * tick at the range boundary.
 */
export const CHASE_STOP_FACTOR = 0.8;
/** Rounding slack for "arrived" comparisons. */
const EPSILON = 1e-6;

export interface NpcStepResult {
  npc: SimNpc;
  intents: NpcIntent[];
}

/**
 * One fixed step of one NPC's state machine. Pure: returns a new NPC (the
 * input is not touched) and what it wants the combat system to do.
 *
 *   idle   wander inside the home area; a living player within aggroRadius → chase
 *   chase  move toward the target; within CHASE_STOP_FACTOR × attackRange → attack
 *   attack face the target, emit an attack intent every attackInterval; target beyond attackRange → chase
 *   leash  (target gone with nobody else around, or target/NPC beyond leashRadius from spawn)
 *          run back to spawn ignoring everyone; on arrival full HP → idle
 *   dead   (hp ≤ 0, set by combat) wait respawnSeconds, then reappear at a random point of the zone → idle
 *
 * `rng` is consumed only for wander destinations and pauses and for respawn
 * points, so a replay with the same seed and the same world is identical.
 */
export function stepNpc(npc: SimNpc, world: NpcWorldView, dt: number, rng: Rng): NpcStepResult {
  const next: SimNpc = { ...npc };
  const intents: NpcIntent[] = [];
  next.cooldown = Math.max(0, next.cooldown - dt);

  if (next.mode !== "dead" && next.hp <= 0) {
    die(next);
    return { npc: next, intents };
  }
  if (next.mode === "dead") {
    next.respawnIn -= dt;
    if (next.respawnIn <= 0) respawn(next, world.bounds, rng);
    return { npc: next, intents };
  }

  const target = decide(next, world);

  switch (next.mode) {
    case "idle":
      wander(next, world.bounds, dt, rng);
      break;
    case "chase":
      if (target) {
        move(
          next,
          target,
          next.template.speed,
          dt,
          world.bounds,
          next.template.attackRange * CHASE_STOP_FACTOR,
        );
      }
      break;
    case "attack":
      if (target) {
        next.heading = headingOf(target.x - next.x, target.y - next.y);
        if (next.cooldown <= 0 && next.targetId !== null) {
          intents.push({
            kind: "attack",
            npcId: next.id,
            targetId: next.targetId,
            abilityId: next.template.abilityId,
          });
          next.cooldown = next.template.attackInterval;
        }
      }
      break;
    case "leash":
      if (move(next, next.spawn, next.template.speed * LEASH_SPEED_FACTOR, dt, world.bounds, 0)) {
        next.mode = "idle";
        next.hp = next.maxHp;
        next.wanderTo = null;
        next.pause = pauseRange(next)[0];
      }
      break;
  }
  return { npc: next, intents };
}

/** Transitions of a living NPC; returns the target it acts on this step, if any. */
function decide(npc: SimNpc, world: NpcWorldView): NpcTargetView | undefined {
  if (npc.mode === "leash") return undefined;

  if (npc.mode === "idle") {
    const found = nearestTarget(npc, world);
    if (!found) return undefined;
    npc.mode = "chase";
    npc.targetId = found.id;
    npc.wanderTo = null;
    return decideEngaged(npc, found.target);
  }

  let target = npc.targetId === null ? undefined : world.players.get(npc.targetId);
  if (!target || target.hp <= 0) {
    // The target died or left: pick the nearest other one in aggro range, or go home.
    const found = nearestTarget(npc, world);
    if (!found) {
      startLeash(npc);
      return undefined;
    }
    npc.targetId = found.id;
    target = found.target;
  }
  return decideEngaged(npc, target);
}

function decideEngaged(npc: SimNpc, target: NpcTargetView): NpcTargetView | undefined {
  const { leashRadius, attackRange } = npc.template;
  if (distance(npc.spawn, target) > leashRadius || distance(npc.spawn, npc) > leashRadius) {
    startLeash(npc);
    return undefined;
  }
  // Hysteresis: an attack goes on up to the full range, a chase closes in to
  // CHASE_STOP_FACTOR of it before attacking.
  const reach = npc.mode === "attack" ? attackRange : attackRange * CHASE_STOP_FACTOR + EPSILON;
  npc.mode = distance(npc, target) <= reach ? "attack" : "chase";
  return target;
}

function startLeash(npc: SimNpc): void {
  npc.mode = "leash";
  npc.targetId = null;
  npc.wanderTo = null;
}

/** Nearest living player within aggro radius; ties go to the first in map order (deterministic). */
function nearestTarget(npc: SimNpc, world: NpcWorldView): { id: string; target: NpcTargetView } | undefined {
  let best: { id: string; target: NpcTargetView } | undefined;
  let bestDistance = npc.template.aggroRadius;
  const candidates = world.near ? world.near(npc.x, npc.y, bestDistance) : world.players;
  for (const [id, target] of candidates) {
    if (!(target.hp > 0)) continue;
    const d = distance(npc, target);
    if (d <= bestDistance && (!best || d < bestDistance)) {
      best = { id, target };
      bestDistance = d;
    }
  }
  return best;
}

function wander(npc: SimNpc, bounds: Bounds, dt: number, rng: Rng): void {
  const area = intersect(npc.home, bounds);
  if (npc.wanderTo === null) {
    if (npc.pause > 0) {
      npc.pause = Math.max(0, npc.pause - dt);
      if (npc.pause > 0) return;
    }
    npc.wanderTo = randomPoint(area, rng);
  }
  // Clamped to the area while inside it, so a walk can never leave the zone; an
  // NPC pushed outside (a GM move) walks back in instead of being snapped.
  const limits = contains(area, npc) ? area : bounds;
  if (move(npc, npc.wanderTo, npc.template.speed * WANDER_SPEED_FACTOR, dt, limits, 0)) {
    npc.wanderTo = null;
    const [min, max] = pauseRange(npc);
    npc.pause = between(rng, min, max);
  }
}

function die(npc: SimNpc): void {
  npc.mode = "dead";
  npc.hp = 0;
  npc.targetId = null;
  npc.wanderTo = null;
  npc.respawnIn = npc.respawnSeconds;
}

function respawn(npc: SimNpc, bounds: Bounds, rng: Rng): void {
  const at = randomPoint(intersect(npc.home, bounds), rng);
  npc.x = at.x;
  npc.y = at.y;
  npc.spawn = at;
  npc.hp = npc.maxHp;
  npc.mode = "idle";
  npc.targetId = null;
  npc.wanderTo = null;
  npc.pause = 0;
  npc.cooldown = 0;
  npc.respawnIn = 0;
}

/**
 * Moves toward `dest` with `stepMovement` (the players' rule), stopping `stopAt`
 * short of it. Returns true when it arrived; with `stopAt` 0 it lands exactly
 * on `dest` rather than a rounding error away.
 */
function move(body: SimNpc, dest: Point, speed: number, dt: number, bounds: Bounds, stopAt: number): boolean {
  const dx = dest.x - body.x;
  const dy = dest.y - body.y;
  const d = Math.hypot(dx, dy);
  const gap = d - stopAt;
  if (gap <= 0) return true;
  const reach = speed * dt;
  if (!(reach > 0)) return false;
  const arrives = gap <= reach;
  const fraction = arrives ? gap / reach : 1;
  const moved: Kinematics = stepMovement(
    body,
    { moveX: (dx / d) * fraction, moveY: (dy / d) * fraction },
    speed,
    dt,
    bounds,
  );
  body.x = moved.x;
  body.y = moved.y;
  body.heading = moved.heading;
  if (!arrives) return false;
  if (stopAt === 0 && contains(bounds, dest)) {
    body.x = dest.x;
    body.y = dest.y;
  }
  return true;
}

function pauseRange(npc: SimNpc): readonly [number, number] {
  return npc.template.wanderPause ?? WANDER_PAUSE;
}

/** A uniformly random point of `area`. */
export function randomPoint(area: Bounds, rng: Rng): Point {
  return { x: between(rng, area.minX, area.maxX), y: between(rng, area.minY, area.maxY) };
}

/** The overlap of two rectangles; `a` itself when they do not overlap (misplaced content). */
export function intersect(a: Bounds, b: Bounds): Bounds {
  const minX = Math.max(a.minX, b.minX);
  const minY = Math.max(a.minY, b.minY);
  const maxX = Math.min(a.maxX, b.maxX);
  const maxY = Math.min(a.maxY, b.maxY);
  return minX <= maxX && minY <= maxY ? { minX, minY, maxX, maxY } : a;
}

export function contains(area: Bounds, p: Point): boolean {
  return p.x >= area.minX && p.x <= area.maxX && p.y >= area.minY && p.y <= area.maxY;
}

function distance(a: Point, b: Point): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}
