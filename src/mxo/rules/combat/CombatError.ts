/**
 * Why a combat request was refused. Errors are values: the room maps `code` to a
 * client message, NPC AI branches on it; nothing is thrown for a refused request.
 */
export type CombatError =
  | { code: "invalid_caster"; id: string }
  | { code: "unknown_ability"; abilityId: string }
  | { code: "not_in_loadout"; abilityId: string }
  | { code: "invalid_target"; targetId: string }
  | { code: "target_dead"; targetId: string }
  | { code: "in_interlock"; id: string }
  | { code: "on_cooldown"; abilityId: string; readyTick: number }
  | { code: "not_enough_is"; need: number; have: number }
  | { code: "out_of_range"; distance: number; range: number }
  | { code: "already_engaged"; id: string }
  | { code: "already_queued"; id: string; targetId: string }
  | { code: "queue_full"; targetId: string; size: number }
  | { code: "not_in_interlock"; id: string }
  | { code: "invalid_action"; action: unknown };

export type CombatErrorCode = CombatError["code"];
