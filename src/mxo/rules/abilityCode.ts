/**
 * Ability code (The Matrix Online's way of learning): an ability can be
 * loaded at a hardline only once the character has acquired it. Code is an
 * item (`kind: "code"`, `teaches: <ability id>`) that moves through the ledger
 * like any other — bought, rewarded, looted — so an acquisition is never lost
 * or made twice. A character has acquired an ability while it holds its code,
 * or when the ability is in its granted set (the starter abilities, and what
 * a character stored before ability code could load).
 *
 * Code is bound to the character (`tradeable: false` in the shipped content):
 * vendors do not buy it back and players cannot trade it, so holding it is
 * knowing it for good. Should a GM take the code away, the ability can no
 * longer be loaded (an already loaded one stays until the next loadout).
 */

export interface CodeAbility {
  id: string;
  tree: string;
  requiredLevel: number;
}

/** The abilities every new character starts with: the Awakened tree's level-1 ones. */
export function starterAbilities(abilities: readonly CodeAbility[]): string[] {
  return abilities.filter((a) => a.tree === "awakened" && a.requiredLevel <= 1).map((a) => a.id);
}

/**
 * The granted set of a character at join. One saved with a set keeps it; one
 * stored before ability code (`stored` null) keeps every ability the level
 * rule lets it load today (`knowsAtLevel`), with the starter set: a new
 * character, at level 1, gets exactly the starter set.
 */
export function grantedAtJoin(
  stored: readonly string[] | null,
  abilities: readonly CodeAbility[],
  knowsAtLevel: (id: string) => boolean,
): string[] {
  if (stored) return [...stored];
  const granted = new Set(starterAbilities(abilities));
  for (const a of abilities) if (knowsAtLevel(a.id)) granted.add(a.id);
  return abilities.filter((a) => granted.has(a.id)).map((a) => a.id);
}

/**
 * Whether the character has acquired an ability: granted, or the code of it
 * is among what it holds (`held` = quantity by item id; `codeFor` = the code
 * items teaching that ability).
 */
export function hasAcquired(
  abilityId: string,
  granted: readonly string[] | null,
  held: (itemId: string) => number,
  codeFor: (abilityId: string) => readonly string[],
): boolean {
  if (granted?.includes(abilityId)) return true;
  return codeFor(abilityId).some((itemId) => held(itemId) > 0);
}

/** The code items of a pack, by the ability each teaches. */
export function codeIndex(
  items: readonly { id: string; teaches?: string | undefined }[],
): Map<string, string[]> {
  const byAbility = new Map<string, string[]>();
  for (const item of items) {
    if (item.teaches === undefined) continue;
    byAbility.set(item.teaches, [...(byAbility.get(item.teaches) ?? []), item.id]);
  }
  return byAbility;
}
