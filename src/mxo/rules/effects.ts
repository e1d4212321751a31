/**
 * Timed modifiers from support abilities (buffs, debuffs, movement). Pure
 * bookkeeping: the simulation keeps a list per entity, expires it every step
 * and reads the totals. Units follow the content pack: `speed`, `accuracy`
 * and `damage` are fractions (+0.5 = +50%), `defense` and `jumpHeight` flat,
 * `stealth` 1 while hidden, the five stats flat points.
 */

export interface Effect {
  abilityId: string;
  sourceId: string;
  attribute: string;
  amount: number;
  /** First tick at which it no longer applies. */
  untilTick: number;
}

export interface EffectTotals {
  /** Multiplier on movement speed, never below MIN_SPEED_FACTOR. */
  speed: number;
  accuracy: number;
  damage: number;
  defence: number;
  stealth: boolean;
  jumpHeight: number;
  stats: Record<string, number>;
}

/** A slow never stops anyone entirely. */
export const MIN_SPEED_FACTOR = 0.2;

const STAT_NAMES = new Set(["focus", "perception", "reason", "belief", "vitality"]);

/**
 * Adds `next` to `current`. The same ability from the same source refreshes
 * rather than stacks: casting a buff twice extends it, it does not double it.
 */
export function addEffects(current: readonly Effect[], next: readonly Effect[]): Effect[] {
  const key = (e: Effect) => `${e.abilityId}|${e.sourceId}|${e.attribute}`;
  const replaced = new Set(next.map(key));
  return [...current.filter((e) => !replaced.has(key(e))), ...next];
}

/** Drops what ended by `tick`; returns the list (the same array when nothing ended). */
export function expireEffects(current: readonly Effect[], tick: number): readonly Effect[] {
  return current.some((e) => e.untilTick <= tick) ? current.filter((e) => e.untilTick > tick) : current;
}

export function totals(effects: readonly Effect[]): EffectTotals {
  const t: EffectTotals = {
    speed: 1,
    accuracy: 0,
    damage: 0,
    defence: 0,
    stealth: false,
    jumpHeight: 0,
    stats: {},
  };
  for (const e of effects) {
    switch (e.attribute) {
      case "speed":
        t.speed += e.amount;
        break;
      case "accuracy":
        t.accuracy += e.amount;
        break;
      case "damage":
        t.damage += e.amount;
        break;
      case "defense":
        t.defence += e.amount;
        break;
      case "stealth":
        t.stealth = t.stealth || e.amount > 0;
        break;
      case "jumpHeight":
        t.jumpHeight = Math.max(t.jumpHeight, e.amount);
        break;
      default:
        if (STAT_NAMES.has(e.attribute)) t.stats[e.attribute] = (t.stats[e.attribute] ?? 0) + e.amount;
    }
  }
  t.speed = Math.max(MIN_SPEED_FACTOR, t.speed);
  return t;
}

/** A heal's amount: its range rolled with `u` ∈ [0,1), scaled 2% per point of its stat above 5 (CR2). */
export function healAmount(range: { min: number; max: number }, u: number, stat: number): number {
  const base = range.min + (range.max - range.min) * u;
  return Math.max(1, Math.round(base * (1 + 0.02 * Math.max(0, stat - 5))));
}
