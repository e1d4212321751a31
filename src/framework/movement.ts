/**
 * The movement rule, shared by the server's tick and predicting clients (the
 * SDK's `Predict.reconciler` runs this same function). Pure: no I/O, no clock,
 * no randomness, so a client replaying inputs lands exactly where the server does.
 */

export interface Bounds {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export interface MoveIntent {
  moveX: number;
  moveY: number;
}

export interface Kinematics {
  x: number;
  y: number;
  heading: number;
}

/**
 * Direction with length ≤ 1: longer vectors are scaled down to unit length,
 * non-finite components make the whole input invalid (`undefined`).
 */
export function sanitizeIntent(moveX: unknown, moveY: unknown): MoveIntent | undefined {
  if (typeof moveX !== "number" || typeof moveY !== "number") return undefined;
  if (!Number.isFinite(moveX) || !Number.isFinite(moveY)) return undefined;
  // Pre-scaling keeps hypot finite for huge components (1e308 would overflow to Infinity).
  const scale = Math.max(Math.abs(moveX), Math.abs(moveY));
  if (scale <= 1) {
    const length = Math.hypot(moveX, moveY);
    return length > 1 ? { moveX: moveX / length, moveY: moveY / length } : { moveX, moveY };
  }
  const sx = moveX / scale;
  const sy = moveY / scale;
  const length = Math.hypot(sx, sy);
  return { moveX: sx / length, moveY: sy / length };
}

/** Advances one fixed step of `dt` seconds at `speed` units/s, clamped to `bounds`. */
export function stepMovement(
  body: Kinematics,
  intent: MoveIntent,
  speed: number,
  dt: number,
  bounds: Bounds,
): Kinematics {
  if (intent.moveX === 0 && intent.moveY === 0) return body;
  const x = clamp(body.x + intent.moveX * speed * dt, bounds.minX, bounds.maxX);
  const y = clamp(body.y + intent.moveY * speed * dt, bounds.minY, bounds.maxY);
  return { x, y, heading: headingOf(intent.moveX, intent.moveY) };
}

const TWO_PI = Math.PI * 2;

/**
 * The direction of (dx, dy) in radians, in [0, 2π): the range the replicated
 * heading wraps into, so a predicting client's heading equals the server's.
 */
export function headingOf(dx: number, dy: number): number {
  const a = Math.atan2(dy, dx);
  return a < 0 ? a + TWO_PI : a;
}

function clamp(v: number, min: number, max: number): number {
  return v < min ? min : v > max ? max : v;
}
