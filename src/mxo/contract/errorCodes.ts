import { FRAMEWORK_ERROR_CODES, type ErrorMessage } from "../../framework/contract/errors.js";

/**
 * The codes a district room answers refused MxO messages with, in `error
 * {code, message}` beside the framework's own (src/framework/contract/errors.ts).
 * The rules' refusals (combat, loadout, missions) are sent as they are, so
 * their code types are part of this list (test/unit/contract pins both ways).
 */
export const MXO_ERROR_CODES = [
  // combat (`ability`, `interlock`): src/mxo/rules/combat/CombatError.ts, simulation/GameError.ts
  "invalid_caster",
  "unknown_ability",
  "not_in_loadout",
  "invalid_target",
  "target_dead",
  "in_interlock",
  "on_cooldown",
  "not_enough_is",
  "out_of_range",
  "already_engaged",
  "already_queued",
  "queue_full",
  "invalid_action",
  "not_interlocked",
  "pvp_disabled",
  "dead",
  "not_found",
  // loadout: src/mxo/rules/loadout.ts, and the room's hardline and fight checks
  "ability_locked",
  "not_usable",
  "duplicate",
  "over_budget",
  "too_many",
  "not_at_hardline",
  "in_combat",
  // missions: src/mxo/rules/missions/types.ts, and the content checks
  "unknown_mission",
  "already_active",
  "already_completed",
  "level_too_low",
  "too_many_active",
  "not_active",
  "not_ready",
  "wrong_organization",
  "prerequisites_missing",
  // interact
  "too_far",
  // travel
  "already_here",
  "unknown_district",
  "travel_failed",
  // whisper
  "player_offline",
  // progression, items, vendors, trade and teams (contract §7)
  "no_points",
  "stat_capped",
  "not_owned",
  "not_equippable",
  "equipped",
  "out_of_reach",
  "not_sold_here",
  "insufficient_funds",
  "busy",
  "no_trade",
  "not_tradeable",
  "team_full",
  "not_leader",
  "already_in_team",
  "no_invite",
  "not_in_team",
  "unknown_hardline",
] as const;

export type MxoErrorCode = (typeof MXO_ERROR_CODES)[number];

/** Every code a district room's `error` message can carry. */
export const DISTRICT_ERROR_CODES = [...FRAMEWORK_ERROR_CODES, ...MXO_ERROR_CODES] as const;
export type DistrictErrorCode = (typeof DISTRICT_ERROR_CODES)[number];

/** `error`, as a district room sends it. */
export type DistrictError = ErrorMessage<DistrictErrorCode>;
