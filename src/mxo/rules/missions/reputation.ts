import { ORGANIZATIONS, type OrganizationId } from "../characterRules.js";

/** Standing with each of the three organizations. */
export type Reputation = Record<OrganizationId, number>;

export const REPUTATION_MIN = -1000;
export const REPUTATION_MAX = 1000;

/** Everyone wakes up from the Matrix owing Zion: Zion-aligned whatever organization they pick. */
export const STARTING_REPUTATION: Readonly<Reputation> = { zion: 100, machines: 0, merovingian: 0 };

/**
 * The reputation rule. A gain of N with one organization costs N/2 (rounded
 * toward zero, so a gain of 1 costs nothing) with each of the other two: the
 * three are at war, and helping one is noticed by the others. A loss (N < 0)
 * only lowers that organization; it does not win favour elsewhere, or a player
 * could farm standing by failing missions.
 *
 * The cost follows the N the mission offered, not what was actually added:
 * at the 1000 cap, working for Zion still angers the Machines. Every value is
 * clamped to [REPUTATION_MIN, REPUTATION_MAX]; amounts are truncated to integers.
 */
export function changeReputation(rep: Readonly<Reputation>, org: OrganizationId, amount: number): Reputation {
  const n = Number.isFinite(amount) ? Math.trunc(amount) : 0;
  const next: Reputation = { ...rep };
  if (n === 0) return next;
  const cost = n > 0 ? Math.trunc(n / 2) : 0;
  for (const other of ORGANIZATIONS) {
    next[other] = clampReputation(other === org ? rep[other] + n : rep[other] - cost);
  }
  return next;
}

/** Applies a mission's reputation rewards one organization at a time, in `ORGANIZATIONS` order. */
export function applyReputationRewards(
  rep: Readonly<Reputation>,
  rewards: Partial<Record<OrganizationId, number>>,
): Reputation {
  let next: Reputation = { ...rep };
  for (const org of ORGANIZATIONS) {
    const amount = rewards[org];
    if (amount !== undefined) next = changeReputation(next, org, amount);
  }
  return next;
}

export function clampReputation(value: number): number {
  return Math.min(REPUTATION_MAX, Math.max(REPUTATION_MIN, value));
}
