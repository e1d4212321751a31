import { stepCombat } from "../../combat/index.js";
import { emitCombat, syncHp } from "../combatEvents.js";
import type { DistrictState } from "../DistrictState.js";

/** Combat: interlock rounds on the round clock, Inner Strength regeneration, queues (`stepCombat`). */
export function runCombat(s: DistrictState, tick: number): void {
  emitCombat(s, stepCombat(s.combat, tick, s.positions));
  syncHp(s);
}
