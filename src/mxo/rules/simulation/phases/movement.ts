import { isEngaged } from "../../combat/index.js";
import { sanitizeIntent } from "../../../../framework/movement.js";
import type { DistrictPlayer } from "../DistrictPlayer.js";
import type { DistrictState } from "../DistrictState.js";
import { stepWorld, type SimPlayer } from "../world.js";

/**
 * Inputs and movement: this step's inputs set intent and `ack`, then everyone
 * moves along its intent (`stepWorld`, the framework's movement step); players
 * who are dead or in interlock stay put. Non-finite inputs → `invalid_input`.
 */
export function movePlayers(s: DistrictState): void {
  const tick = s.world.tick + 1;
  for (const [sessionId, input] of s.inputs) {
    if (!sanitizeIntent(input.moveX, input.moveY)) {
      s.out.push({ kind: "invalid_input", tick, sessionId, seq: input.seq });
    }
  }
  // The world step moves everyone; those who may not move are put back. Inputs
  // still set their intent and ack, as the client's predictor expects.
  const frozen: { p: SimPlayer; x: number; y: number; heading: number }[] = [];
  for (const p of s.world.players.values()) {
    if (isFrozen(s, p)) frozen.push({ p, x: p.x, y: p.y, heading: p.heading });
    p.speed = s.def.moveSpeed * (s.speedFactor.get(p.sessionId) ?? 1);
  }
  stepWorld(s.world, s.inputs, s.dt);
  for (const f of frozen) {
    f.p.x = f.x;
    f.p.y = f.y;
    f.p.heading = f.heading;
  }
  s.inputs.clear();
}

function isFrozen(s: DistrictState, p: DistrictPlayer): boolean {
  return p.hp <= 0 || isEngaged(s.combat, p.sessionId);
}
