import type { ContentPack } from "../../content/ContentPack.js";
import { MAX_LEVEL } from "../../content/schema/common.js";
import type { AbilityDef } from "../../content/schema/ability.js";
import type { ItemDef } from "../../content/schema/item.js";
import { styleDamage } from "../adapters.js";
import type { CharacterStats } from "../characterRules.js";
import { allocatePoint, unspentPoints, type AllocateResult } from "../character/attributes.js";
import { checkUse, consume, type UseCheck } from "../character/consumables.js";
import { deriveCharacter, type Derived, type DerivedFigures } from "../character/derived.js";
import { gearOf, NO_GEAR, type Gear } from "../character/equipment.js";
import type { Stat } from "../combat/stats.js";
import type { DamageType } from "../combat/types.js";
import { addEffects } from "../effects.js";
import { experienceForLevel } from "../progression.js";
import type { DistrictPlayer } from "./DistrictPlayer.js";
import type { DistrictState } from "./DistrictState.js";
import { loadoutFor } from "./loadouts.js";
import { applyEffects } from "./phases/effects.js";

/**
 * A player's character sheet in play: attributes, equipment and consumables,
 * and the figures that follow from them (rules in `../character/`). Called
 * between steps like every request; what combat reads changes at once.
 */

/** The `character` sheet as the simulation knows it (contract `CharacterSheet`). */
export interface SheetView {
  level: number;
  experience: number;
  nextLevelAt: number | null;
  stats: CharacterStats;
  unspentPoints: number;
  derived: DerivedFigures;
}

/**
 * How HP and Inner Strength follow a change of their maximums: `keep` clamps
 * them (equipping armour does not heal), `fraction` keeps the share of the
 * maximum (a GM's setstat), `as_is` leaves them and their maximums alone (a
 * level-up sets those itself).
 */
export type HpRule = "keep" | "fraction" | "as_is";

/** The gear of the player's equipment, from the pack in force (items it no longer has add nothing). */
export function gearFor(pack: ContentPack, equipment: Readonly<Record<string, string>>): Gear {
  const items = Object.values(equipment).flatMap((id) => pack.item(id) ?? []);
  return items.length === 0 ? NO_GEAR : gearOf(items);
}

/** Level, allocated attributes and equipment → every derived figure, for this pack. */
export function deriveFor(s: DistrictState, p: DistrictPlayer, level = p.level): Derived {
  const gear = gearFor(s.pack, p.equipment);
  const style = gear.weapon?.damageType ?? "melee";
  return deriveCharacter({ stats: p.baseStats, level, gear, basicHitChance: basicHitChance(s.pack, style) });
}

/**
 * Puts the derived figures into the player's combatant: effective attributes,
 * maximums, defence and resistance ratings, the interlock style, the gear,
 * and the loadout for its level.
 */
export function refreshFigures(s: DistrictState, p: DistrictPlayer, rule: HpRule): void {
  const { combat } = deriveFor(s, p);
  p.stats = combat.stats;
  if (rule !== "as_is") {
    const hpShare = p.maxHp > 0 ? p.hp / p.maxHp : 1;
    const isShare = p.maxIs > 0 ? p.is / p.maxIs : 1;
    p.maxHp = combat.maxHp;
    p.maxIs = combat.maxIs;
    const hp = rule === "fraction" ? Math.round(p.maxHp * hpShare) : p.hp;
    // The living stay alive whatever their maximum does; the dead stay down.
    p.hp = Math.max(p.hp > 0 ? 1 : 0, Math.min(p.maxHp, hp));
    p.is = Math.min(p.maxIs, rule === "fraction" ? Math.round(p.maxIs * isShare) : p.is);
  }
  p.defence = combat.defence;
  p.resistance = combat.resistance;
  p.gear = { accuracy: combat.accuracy, ...(combat.weapon ? { weapon: combat.weapon } : {}) };
  p.loadout = loadoutFor(s, p, p.level);
  p.style = {
    accuracy: combat.styleAccuracy,
    damage: styleDamage(p.level, p.loadout, s.pack) + combat.styleDamageBonus,
  };
}

/**
 * A level gained (`grantExperience`): max HP and Inner Strength rise by what
 * the rules give the new level over the last one (HP and IS with them),
 * then the rest of the figures follow. Returns the new maximums.
 */
export function levelUp(
  s: DistrictState,
  p: DistrictPlayer,
  level: number,
): { maxHp: number; maxIs: number } {
  const before = deriveFor(s, p, level - 1).combat;
  const after = deriveFor(s, p, level).combat;
  p.level = level;
  p.maxHp += after.maxHp - before.maxHp;
  p.hp = Math.min(p.maxHp, p.hp + after.maxHp - before.maxHp);
  // Inner Strength is never stored: its maximum is the rules' (HP's may be a stored one, kept).
  p.is = Math.min(after.maxIs, p.is + (after.maxIs - p.maxIs));
  p.maxIs = after.maxIs;
  refreshFigures(s, p, "as_is");
  return { maxHp: p.maxHp, maxIs: p.maxIs };
}

/** Spends one attribute point; the figures follow at once. */
export function allocate(s: DistrictState, sessionId: string, stat: Stat): AllocateResult {
  const p = s.world.players.get(sessionId);
  if (!p) return { ok: false, code: "no_points", message: "You are not in this district" };
  const result = allocatePoint(p.baseStats, p.level, stat);
  if (!result.ok) return result;
  p.baseStats = result.stats;
  refreshFigures(s, p, "keep");
  return result;
}

/** Replaces the player's equipment (the room checked ownership, slots and levels); the figures follow. */
export function setEquipment(
  s: DistrictState,
  sessionId: string,
  equipment: Readonly<Record<string, string>>,
): boolean {
  const p = s.world.players.get(sessionId);
  if (!p) return false;
  p.equipment = { ...equipment };
  refreshFigures(s, p, "keep");
  return true;
}

/** Whether the player may use `item` now (not a consumable, defeated, or cooling down). */
export function checkItemUse(s: DistrictState, sessionId: string, item: ItemDef): UseCheck {
  const p = s.world.players.get(sessionId);
  return checkUse(item, {
    alive: p !== undefined && p.hp > 0,
    tick: s.world.tick,
    readyTick: p?.itemReadyAt[item.id] ?? 0,
    tickRate: s.tickRate,
  });
}

/**
 * Applies a consumable the ledger has already taken: heal, Inner Strength,
 * timed modifiers and the item's cooldown; `item_used` comes out of the next
 * step. Checked again (the player may have died meanwhile).
 */
export function useItem(s: DistrictState, sessionId: string, item: ItemDef): UseCheck {
  const check = checkItemUse(s, sessionId, item);
  const p = s.world.players.get(sessionId);
  if (!check.ok || !p) return check;
  const tick = s.world.tick;
  const used = consume(item, p, tick, s.tickRate);
  p.hp = used.hp;
  p.is = used.is;
  p.itemReadyAt[item.id] = used.readyTick;
  if (used.effects.length > 0) {
    s.effects.set(sessionId, addEffects(s.effects.get(sessionId) ?? [], used.effects));
    applyEffects(s, sessionId);
  }
  s.out.push({
    kind: "item_used",
    tick,
    sessionId,
    itemId: item.id,
    healed: used.healed,
    hp: p.hp,
    restored: used.restored,
    is: p.is,
    modifiers: (item.use?.modifiers ?? []).map((m) => ({
      attribute: m.attribute,
      amount: m.amount,
      seconds: m.durationSeconds,
    })),
  });
  return check;
}

/** The player's sheet: level, experience, allocated attributes, unspent points and derived figures. */
export function sheetOf(s: DistrictState, sessionId: string): SheetView | undefined {
  const p = s.world.players.get(sessionId);
  if (!p) return undefined;
  return {
    level: p.level,
    experience: p.experience,
    nextLevelAt: p.level < MAX_LEVEL ? experienceForLevel(p.level + 1) : null,
    stats: { ...p.baseStats },
    unspentPoints: unspentPoints(p.baseStats, p.level),
    derived: { ...deriveFor(s, p).sheet, maxHp: p.maxHp, maxIs: p.maxIs },
  };
}

/**
 * The hit chance (content's 0..1) of a style's basic attack: the Awakened
 * attack of that damage type (strike, shot), else the lowest-level attack of
 * that type in the pack; undefined when the pack has none.
 */
function basicHitChance(pack: ContentPack, style: DamageType): number | undefined {
  const attacks = (list: readonly AbilityDef[]) =>
    list.filter((a) => a.kind === "attack" && a.damageType === style);
  const basic =
    attacks(pack.abilitiesIn("awakened"))[0] ??
    [...attacks(pack.abilities)].sort((a, b) => a.requiredLevel - b.requiredLevel)[0];
  return basic?.accuracy;
}
