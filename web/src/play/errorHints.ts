import type { DistrictErrorCode } from "../../../src/mxo/contract/errorCodes.js";

/**
 * What a player can do about each `error` code the district room sends. The
 * server's own message says what happened; the hint says what to try.
 */
const HINTS: Partial<Record<DistrictErrorCode, string>> = {
  out_of_range: "move closer to your target",
  on_cooldown: "wait for the ability to recharge",
  not_enough_is: "wait for your Inner Strength to regenerate",
  not_in_loadout: "load it at a hardline first",
  unknown_ability: "that ability cannot be used in combat",
  invalid_target: "pick another target",
  target_dead: "pick another target",
  in_interlock: "finish your close combat first (or withdraw)",
  in_combat: "finish your close combat first (or withdraw)",
  already_engaged: "you are already fighting",
  already_queued: "you are already waiting to engage",
  queue_full: "try again when the target is free",
  not_interlocked: "start close combat with the interlock ability first",
  pvp_disabled: "players cannot fight each other in this district",
  dead: "wait to respawn at a hardline",
  not_found: "it is no longer here",
  player_offline: "they are not in play right now",
  muted: "you can read chat, but not write, until the mute ends",
  rate_limited: "slow down: too many messages",
  invalid_message: "the client sent something the server did not accept",
  unknown_message: "the client and server disagree on a message type",
  forbidden: "your account is not permitted to do that",
  travel_failed: "you stayed where you were; try again",
  already_here: "pick another district",
  unknown_district: "pick a district from the list",
  draining: "the server is restarting; you will be moved in a moment",
  unknown_mission: "check the mission id",
  wrong_organization: "that mission is for another organization",
  prerequisites_missing: "complete the missions it builds on first",
  level_too_low: "come back at a higher level",
  too_many_active: "abandon a mission first",
  already_active: "it is already in your mission log",
  already_completed: "it cannot be repeated",
  not_active: "accept the mission first",
  not_ready: "finish its objectives first",
  not_at_hardline: "walk to a hardline (the green squares on the map) to change your loadout",
  over_budget: "your memory budget is full: unload something",
  too_many: "unload something first",
  ability_locked: "you do not know that ability yet",
  not_usable: "that ability cannot be loaded yet",
  duplicate: "each ability loads once",
  too_far: "walk closer",
};

export function errorHint(code: string): string | undefined {
  return HINTS[code as DistrictErrorCode];
}
