/**
 * Seeded random numbers for combat: mulberry32 over a single 32-bit word. The
 * whole generator state is one integer, so an interlock log can store it as its
 * seed and a replay can restart it exactly. Only integer ops (`Math.imul`, shifts)
 * are used, so every engine produces the same sequence bit for bit.
 */
export interface RngState {
  /** Unsigned 32-bit generator state. */
  state: number;
}

export function seedRng(seed: number): RngState {
  if (!Number.isInteger(seed)) throw new RangeError(`RNG seed must be an integer, got ${seed}`);
  return { state: seed >>> 0 };
}

/** Advances `rng` in place and returns the next unsigned 32-bit integer. */
export function nextUint32(rng: RngState): number {
  rng.state = (rng.state + 0x6d2b79f5) >>> 0;
  let t = rng.state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}

/** Advances `rng` in place and returns a float in [0, 1). */
export function nextFloat(rng: RngState): number {
  return nextUint32(rng) / 4294967296;
}
