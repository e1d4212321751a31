/**
 * Level difference as a small, bounded, smooth accuracy modifier: about ±3% per
 * level near zero, flattening towards ±15% however large the gap. A softsign
 * curve (x / (1 + |x|)) rather than tanh keeps it to + − × ÷, which are exact in
 * IEEE arithmetic on every engine, so replays stay bit-identical.
 */
export const LEVEL_SLOPE = 0.03;
export const LEVEL_CAP = 0.15;

/** `levelDiff` = own level − opponent's level; result in (−LEVEL_CAP, LEVEL_CAP). */
export function levelModifier(levelDiff: number): number {
  const x = (levelDiff * LEVEL_SLOPE) / LEVEL_CAP;
  return (LEVEL_CAP * x) / (1 + Math.abs(x));
}
