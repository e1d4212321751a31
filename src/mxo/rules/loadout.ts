/**
 * Loadouts (The Matrix Online's memory slots): abilities a character loads at
 * a hardline, within a memory budget that grows with level. Pure rules; the
 * room checks the hardline, the simulation applies the result.
 */

export interface LoadoutAbility {
  id: string;
  requiredLevel: number;
  memoryCost: number;
  prerequisites: readonly string[];
  /** Whether the server can use it in play (today: attacks and close-combat moves). */
  usable: boolean;
}

export type LoadoutErrorCode =
  "unknown_ability" | "ability_locked" | "not_usable" | "duplicate" | "over_budget" | "too_many";

export type LoadoutCheck =
  { ok: true; memory: number; budget: number } | { ok: false; code: LoadoutErrorCode; message: string };

/** At most this many abilities loaded at once (the close-combat move comes free). */
export const MAX_LOADOUT_SLOTS = 10;

/** Memory a character of this level can load: 4 at level 0, +2 per level (6 at level 1, 104 at 50). */
export function memoryBudget(level: number): number {
  return 4 + 2 * Math.max(0, Math.floor(level));
}

/**
 * Whether a character of `level` knows an ability: its level is reached and
 * every prerequisite, recursively, is known too.
 */
export function knows(
  id: string,
  level: number,
  lookup: (id: string) => LoadoutAbility | undefined,
  seen: Set<string> = new Set(),
): boolean {
  const a = lookup(id);
  if (!a || a.requiredLevel > level || seen.has(id)) return false;
  seen.add(id);
  return a.prerequisites.every((p) => knows(p, level, lookup, seen));
}

export function checkLoadout(
  ids: readonly string[],
  level: number,
  lookup: (id: string) => LoadoutAbility | undefined,
): LoadoutCheck {
  const budget = memoryBudget(level);
  if (ids.length > MAX_LOADOUT_SLOTS) {
    return {
      ok: false,
      code: "too_many",
      message: `At most ${MAX_LOADOUT_SLOTS} abilities fit in a loadout`,
    };
  }
  const seen = new Set<string>();
  let memory = 0;
  for (const id of ids) {
    if (seen.has(id)) return { ok: false, code: "duplicate", message: `${id} is listed twice` };
    seen.add(id);
    const a = lookup(id);
    if (!a) return { ok: false, code: "unknown_ability", message: `Unknown ability "${id}"` };
    if (!knows(id, level, lookup)) {
      const missing =
        a.requiredLevel > level ? `level ${a.requiredLevel}` : `${a.prerequisites.join(", ")} first`;
      return { ok: false, code: "ability_locked", message: `${id} needs ${missing}` };
    }
    if (!a.usable) {
      return {
        ok: false,
        code: "not_usable",
        message: `${id} cannot be used in play yet (only attacks and close-combat moves)`,
      };
    }
    memory += a.memoryCost;
  }
  if (memory > budget) {
    return {
      ok: false,
      code: "over_budget",
      message: `That loadout needs ${memory} memory; a level ${level} character has ${budget}`,
    };
  }
  return { ok: true, memory, budget };
}
