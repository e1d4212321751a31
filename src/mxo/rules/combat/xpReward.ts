/**
 * Experience for defeating `victimLevel` at `killerLevel`. Harder kills pay up to
 * +50% (five or more levels above), easier ones pay 10% less per level and
 * nothing from ten levels down, so farming far weaker targets is pointless.
 */
export function xpReward(killerLevel: number, victimLevel: number): number {
  const base = 40 + 20 * Math.max(1, victimLevel);
  const diff = victimLevel - killerLevel;
  const factor = diff >= 0 ? 1 + 0.1 * Math.min(diff, 5) : Math.max(0, 1 + 0.1 * diff);
  return Math.round(base * factor);
}
