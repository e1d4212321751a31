/** Combat rules: the public surface the room and NPC AI use. See README.md. */
export type {
  AbilityDef,
  Combatant,
  CombatantStats,
  DamageType,
  PerDamageType,
  Position,
  Positions,
} from "./types.js";
export { DAMAGE_TYPES } from "./types.js";
export type { Attribute, CoreStats, Stat } from "./stats.js";
export { STATS, STAT_INFLUENCES, influence, rated, statBonus } from "./stats.js";
export type { ActionProfile, CombatConfig, InterlockAction, InterlockRules, Ruleset } from "./config.js";
export {
  CR1_MAX_EDGE,
  INTERLOCK_ACTIONS,
  ROUND_SECONDS,
  makeCombatConfig,
  secondsToTicks,
} from "./config.js";
export type { CombatError, CombatErrorCode } from "./CombatError.js";
export type { CombatEvent } from "./CombatEvent.js";
export type { CombatResult } from "./CombatResult.js";
export type { CombatState, Interlock } from "./CombatState.js";
export { createCombatState, interlockOf, isEngaged } from "./CombatState.js";
export type {
  FighterSnapshot,
  HpIs,
  InterlockEnd,
  InterlockEndReason,
  InterlockLog,
  RollLog,
  RoundLog,
  Side,
  Sides,
} from "./interlockLog.js";
export { INTERLOCK_LOG_VERSION } from "./interlockLog.js";
export { startInterlock, submitInterlockAction, leaveQueue, isInterlockAction } from "./interlock.js";
export { useAbility } from "./useAbility.js";
export { stepCombat } from "./stepCombat.js";
export { removeCombatant } from "./removeCombatant.js";
export { replayInterlock, interlockResult, type InterlockResult } from "./replayInterlock.js";
export { cr1Edge, resolveRound } from "./resolveRound.js";
export { beats } from "./interlockTable.js";
export { levelModifier, LEVEL_CAP, LEVEL_SLOPE } from "./levelModifier.js";
export { xpReward } from "./xpReward.js";
export { resistanceReduction, rollDamage } from "./damage.js";
export { seedRng, nextFloat, nextUint32, type RngState } from "./rng.js";
