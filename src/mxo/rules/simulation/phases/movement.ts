import { sanitizeIntent } from "../../../../framework/movement.js";
import { isEngaged } from "../../combat/index.js";
import type { DistrictPlayer } from "../DistrictPlayer.js";
import type { DistrictState } from "../DistrictState.js";
import { applyInput, movePlayer, type RawInput } from "../world.js";

/**
 * Takes a movement input for the next step (the last one set before it wins),
 * sanitized once, here, and kept on the player's own record.
 */
export function takeInput(s: DistrictState, sessionId: string, input: RawInput): boolean {
  const p = s.world.players.get(sessionId);
  if (!p) return false;
  p.nextSeq = input.seq;
  p.nextIntent = sanitizeIntent(input.moveX, input.moveY);
  // Map order is arrival order: a later input of the same step keeps the player's place.
  s.inputs.set(sessionId, p);
  return true;
}

/**
 * Inputs and movement: this step's inputs set intent and `ack` (a non-finite
 * one is acknowledged, not applied: `invalid_input`), then everyone moves
 * along its intent with the framework's movement step, except players who
 * are dead or in interlock: they stay put.
 */
export function movePlayers(s: DistrictState): void {
  const tick = s.world.tick + 1;
  for (const p of s.inputs.values()) {
    if (!applyInput(p, p.nextSeq, p.nextIntent)) {
      s.out.push({ kind: "invalid_input", tick, sessionId: p.sessionId, seq: p.nextSeq });
    }
  }
  s.inputs.clear();
  const speed = s.def.moveSpeed;
  // Usually nobody is slowed or hastened: no look-up per player then.
  const factors = s.speedFactor.size > 0 ? s.speedFactor : undefined;
  for (const p of s.world.players.values()) {
    p.speed = factors ? speed * (factors.get(p.sessionId) ?? 1) : speed;
    if (!isFrozen(s, p)) movePlayer(p, s.dt, s.world.bounds);
  }
  s.world.tick++;
}

function isFrozen(s: DistrictState, p: DistrictPlayer): boolean {
  return p.hp <= 0 || isEngaged(s.combat, p.sessionId);
}
