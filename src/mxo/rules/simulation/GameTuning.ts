/** Numbers of the district loop that are not combat's or the AI's. Seconds are converted to ticks. */
export interface GameTuning {
  /** How long a defeated player waits before reappearing at the nearest hardline. */
  playerRespawnSeconds: number;
  /** A player is out of combat this long after its last hostile act (given or taken). */
  outOfCombatSeconds: number;
  /** Out-of-combat health regeneration, as a fraction of max HP per second. */
  hpRegenPerSecond: number;
}

export const DEFAULT_TUNING: Readonly<GameTuning> = Object.freeze({
  playerRespawnSeconds: 5,
  outOfCombatSeconds: 6,
  hpRegenPerSecond: 0.02,
});
