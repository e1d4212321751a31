import type { ContentPack } from "../../../content/ContentPack.js";
import { CLOSE_COMBAT_ABILITY, starterLoadout, styleDamage } from "../adapters.js";
import { checkLoadout, memoryBudget, type LoadoutAbility, type LoadoutCheck } from "../loadout.js";
import type { DistrictState, PlayerExtra } from "./DistrictState.js";

/** Loadouts in play: what a player loaded at a hardline (`loadout.ts` rules) becomes its combatant's abilities. */

/** An ability as the loadout rules see it, from the pack in force. */
export function loadoutAbility(pack: ContentPack, id: string): LoadoutAbility | undefined {
  const a = pack.ability(id);
  if (!a) return undefined;
  return {
    id: a.id,
    requiredLevel: a.requiredLevel,
    memoryCost: a.memoryCost,
    prerequisites: a.prerequisites,
    usable: true,
  };
}

/**
 * Loads abilities (the room checks the player stands at a hardline). The
 * close-combat move is always there and costs nothing. Refused as a whole
 * when the rules refuse it; nothing changes then.
 */
export function setLoadout(s: DistrictState, sessionId: string, abilities: readonly string[]): LoadoutCheck {
  const p = s.world.players.get(sessionId);
  if (!p) return { ok: false, code: "unknown_ability", message: "You are not in this district" };
  const ids = abilities.filter((a) => a !== CLOSE_COMBAT_ABILITY);
  const check = checkLoadout(ids, p.level, (id) => loadoutAbility(s.pack, id));
  if (check.ok) applyLoadout(s, sessionId, ids);
  return check;
}

/** What the player has loaded (the starter set when it never chose), with memory used and budget. */
export function loadoutOf(
  s: DistrictState,
  sessionId: string,
): { abilities: string[]; custom: boolean; memory: number; budget: number } | undefined {
  const c = s.combat.combatants.get(sessionId);
  const extra = s.extras.get(sessionId);
  const p = s.world.players.get(sessionId);
  if (!c || !extra || !p) return undefined;
  const abilities = c.loadout.filter((a) => a !== CLOSE_COMBAT_ABILITY);
  const memory = abilities.reduce((m, a) => m + (loadoutAbility(s.pack, a)?.memoryCost ?? 0), 0);
  return { abilities, custom: extra.loadout !== null, memory, budget: memoryBudget(p.level) };
}

/** Makes `ids` the player's chosen loadout and its combatant's abilities. */
export function applyLoadout(s: DistrictState, sessionId: string, ids: string[]): void {
  const c = s.combat.combatants.get(sessionId);
  const extra = s.extras.get(sessionId);
  if (!c || !extra) return;
  extra.loadout = [...ids];
  c.loadout = loadoutFor(s, extra, c.level);
  c.style = { ...c.style, damage: styleDamage(c.level, c.loadout, s.pack) };
}

/** A chosen loadout keeps what this pack still has; without one, the starter set for the level. */
export function loadoutFor(s: DistrictState, extra: PlayerExtra, level: number): string[] {
  if (!extra.loadout) return starterLoadout(level, s.pack);
  return [...extra.loadout.filter((a) => s.pack.ability(a)), CLOSE_COMBAT_ABILITY];
}
