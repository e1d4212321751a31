/**
 * Seeded randomness for the simulation. The sim never calls `Math.random`: a
 * tick given the same state and the same seed replays exactly (tests, replays,
 * and a district restarted from a snapshot).
 */

/** Uniform in [0, 1). Stateful: every call advances the stream. */
export type Rng = () => number;

/** mulberry32: tiny, fast, 32-bit state; plenty for wander points and spawn positions. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A 32-bit seed from any parts (FNV-1a over their string forms), so a value
 * can be derived from identifiers instead of carried around: the spawn point
 * of zone "z", slot 3 at tick 1200 is the same on every run.
 */
export function seedFrom(...parts: (string | number)[]): number {
  let hash = 0x811c9dc5;
  for (const part of parts) {
    const text = `${String(part)}\u0000`;
    for (let i = 0; i < text.length; i++) {
      hash ^= text.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193);
    }
  }
  return hash >>> 0;
}

/** Uniform in [min, max). */
export function between(rng: Rng, min: number, max: number): number {
  return min + rng() * (max - min);
}
