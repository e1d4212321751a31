/**
 * Loadouts (The Matrix Online's memory slots): abilities a character loads at
 * a hardline, within a memory budget that grows with level. Pure rules; the
 * room checks the hardline, the simulation applies the result.
 */

export interface LoadoutAbility {
  id: string;
  /** What players read (content `name`); the id when absent. */
  name?: string;
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

/** Every ability counts as acquired: rules and tests that predate ability code. */
export const ALL_ACQUIRED = (): boolean => true;

/**
 * Whether a character of `level` knows an ability: it has acquired it (its
 * code, see abilityCode.ts), its level is reached, and every prerequisite,
 * recursively, is known too.
 */
export function knows(
  id: string,
  level: number,
  lookup: (id: string) => LoadoutAbility | undefined,
  acquired: (id: string) => boolean = ALL_ACQUIRED,
  seen: Set<string> = new Set(),
): boolean {
  const a = lookup(id);
  if (!a || a.requiredLevel > level || !acquired(id) || seen.has(id)) return false;
  seen.add(id);
  return a.prerequisites.every((p) => knows(p, level, lookup, acquired, seen));
}

/** Why a character does not know an ability, for the player (names, not ids). */
function lockedReason(
  a: LoadoutAbility,
  level: number,
  lookup: (id: string) => LoadoutAbility | undefined,
  acquired: (id: string) => boolean,
): string {
  const name = (x: LoadoutAbility) => x.name ?? x.id;
  if (!acquired(a.id)) return `You have not acquired ${name(a)}: buy its code from a vendor, or earn it`;
  if (a.requiredLevel > level) return `${name(a)} needs level ${a.requiredLevel}`;
  const missing = a.prerequisites
    .filter((p) => !knows(p, level, lookup, acquired))
    .map((p) => (lookup(p) ? name(lookup(p)!) : p));
  return `${name(a)} needs ${missing.join(", ")} first`;
}

export function checkLoadout(
  ids: readonly string[],
  level: number,
  lookup: (id: string) => LoadoutAbility | undefined,
  acquired: (id: string) => boolean = ALL_ACQUIRED,
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
    if (seen.has(id))
      return { ok: false, code: "duplicate", message: `${lookup(id)?.name ?? id} is listed twice` };
    seen.add(id);
    const a = lookup(id);
    if (!a) return { ok: false, code: "unknown_ability", message: `Unknown ability "${id}"` };
    if (!knows(id, level, lookup, acquired)) {
      return { ok: false, code: "ability_locked", message: lockedReason(a, level, lookup, acquired) };
    }
    if (!a.usable) {
      return {
        ok: false,
        code: "not_usable",
        message: `${a.name ?? id} cannot be used in play yet (only attacks and close-combat moves)`,
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
