import type { ContentPack } from "../../content/ContentPack.js";
import { CLOSE_COMBAT_ABILITY, starterLoadout, styleDamage } from "../adapters.js";
import { checkLoadout, memoryBudget, type LoadoutAbility, type LoadoutCheck } from "../loadout.js";
import type { DistrictPlayer } from "./DistrictPlayer.js";
import type { DistrictState } from "./DistrictState.js";

/** Loadouts in play: what a player loaded at a hardline (`loadout.ts` rules) becomes its combatant's abilities. */

/** An ability as the loadout rules see it, from the pack in force. */
export function loadoutAbility(pack: ContentPack, id: string): LoadoutAbility | undefined {
  const a = pack.ability(id);
  if (!a) return undefined;
  return {
    id: a.id,
    name: a.name,
    requiredLevel: a.requiredLevel,
    memoryCost: a.memoryCost,
    prerequisites: a.prerequisites,
    usable: true,
  };
}

/**
 * Loads abilities (the room checks the player stands at a hardline and says
 * which abilities the character has acquired: all when it does not). The
 * close-combat move is always there and costs nothing. Refused as a whole
 * when the rules refuse it; nothing changes then.
 */
export function setLoadout(
  s: DistrictState,
  sessionId: string,
  abilities: readonly string[],
  acquired?: (id: string) => boolean,
): LoadoutCheck {
  const p = s.world.players.get(sessionId);
  if (!p) return { ok: false, code: "unknown_ability", message: "You are not in this district" };
  const ids = abilities.filter((a) => a !== CLOSE_COMBAT_ABILITY);
  const check = checkLoadout(ids, p.level, (id) => loadoutAbility(s.pack, id), acquired);
  if (check.ok) applyLoadout(s, p, ids);
  return check;
}

/** What the player has loaded (the starter set when it never chose), with memory used and budget. */
export function loadoutOf(
  s: DistrictState,
  sessionId: string,
): { abilities: string[]; custom: boolean; memory: number; budget: number } | undefined {
  const p = s.world.players.get(sessionId);
  if (!p) return undefined;
  const abilities = p.loadout.filter((a) => a !== CLOSE_COMBAT_ABILITY);
  const memory = abilities.reduce((m, a) => m + (loadoutAbility(s.pack, a)?.memoryCost ?? 0), 0);
  return { abilities, custom: p.chosenLoadout !== null, memory, budget: memoryBudget(p.level) };
}

/** Makes `ids` the player's chosen loadout and the abilities it fights with. */
export function applyLoadout(s: DistrictState, p: DistrictPlayer, ids: string[]): void {
  p.chosenLoadout = [...ids];
  p.loadout = loadoutFor(s, p, p.level);
  p.style = { ...p.style, damage: styleDamage(p.level, p.loadout, s.pack) };
}

/** A chosen loadout keeps what this pack still has; without one, the starter set for the level. */
export function loadoutFor(s: DistrictState, p: DistrictPlayer, level: number): string[] {
  if (!p.chosenLoadout) return starterLoadout(level, s.pack);
  return [...p.chosenLoadout.filter((a) => s.pack.ability(a)), CLOSE_COMBAT_ABILITY];
}
