import type { EffectMessage } from "../../../src/mxo/contract/combat.js";
import { addEffects, expireEffects, totals, type Effect } from "../../../src/mxo/rules/effects.js";
import { secondsToTicks } from "../../../src/mxo/rules/combat/config.js";

/**
 * The timed modifiers running on the own character, kept with the server's
 * own bookkeeping (src/mxo/rules/effects.ts: refresh rather than stack, expiry by
 * tick), so movement is predicted at the speed the server applies — a sprint
 * included.
 */
export class OwnEffects {
  private list: readonly Effect[] = [];

  add(msg: EffectMessage, tickRate: number): void {
    const added = msg.modifiers.map((m) => ({
      abilityId: msg.abilityId,
      sourceId: msg.casterId,
      attribute: m.attribute,
      amount: m.amount,
      untilTick: msg.tick + Math.max(1, secondsToTicks(m.seconds, tickRate)),
    }));
    this.list = addEffects(this.list, added);
  }

  /** Multiplier on the district's speed at server tick `tick`. */
  speedFactor(tick: number): number {
    this.list = expireEffects(this.list, tick);
    return totals(this.list).speed;
  }

  reset(): void {
    this.list = [];
  }
}
