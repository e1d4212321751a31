/**
 * Damage after a hit. Resistance has diminishing returns (r / (r + 100)) so it
 * can never make anyone immune; every landed hit does at least 1.
 */
export function resistanceReduction(resistance: number): number {
  return resistance <= 0 ? 0 : resistance / (resistance + 100);
}

/**
 * `u` is a roll in [0, 1) spreading the result ±`variance` around the mean;
 * `resistance` must already be the defender's same-type rating.
 */
export function rollDamage(base: number, u: number, variance: number, resistance: number): number {
  const spread = 1 - variance + 2 * variance * u;
  return Math.max(1, Math.round(base * spread * (1 - resistanceReduction(resistance))));
}
