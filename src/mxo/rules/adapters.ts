import type { CharacterStats } from "./characterRules.js";
import type { ContentPack } from "../content/ContentPack.js";
import type { AbilityDef as ContentAbilityDef } from "../content/schema/ability.js";
import type { DistrictDef, SpawnZone as ContentSpawnZone } from "../content/schema/district.js";
import type { NpcTemplateDef } from "../content/schema/npc.js";
import {
  makeCombatConfig,
  type AbilityDef as CombatAbilityDef,
  type CombatConfig,
  type Combatant,
  type PerDamageType,
} from "./combat/index.js";
import type { Bounds } from "../../framework/movement.js";
import type { NpcTemplate, SpawnZone } from "./npc/types.js";

/**
 * Mappings from the content pack onto the shapes the sim modules read. Each
 * number that content does not give is a documented rule here, so balancing
 * happens in one place. See README.md ("Adapters") for the reasoning.
 */

/** The defence rating everyone has (combat's measured baseline); accuracies are calibrated against it. */
export const STANDARD_DEFENCE = 100;
/** Same-type resistance for everyone: removes 20/120 ≈ 17% of the damage. */
export const STANDARD_RESISTANCE = 20;
/** Interlock style accuracy for everyone: equal fighters win half their contests. */
export const STYLE_ACCURACY = 100;
/** Content accuracy is capped here before conversion (1.0 would be an infinite rating). */
export const MAX_HIT_CHANCE = 0.99;
/** Floor between two NPC attack intents, whatever the ability's cooldown. */
export const MIN_NPC_ATTACK_INTERVAL = 1;
/**
 * The close-combat move every character and NPC knows: "use" it on a target to
 * pull it into interlock. Not a content ability (the pack has none a level-1
 * character could use), so it is added to every player's loadout.
 */
export const CLOSE_COMBAT_ABILITY = "interlock";

/**
 * Content accuracy is a hit chance (0..1); combat wants a rating for its opposed
 * roll (u × accuracy against u × defence). The rating chosen makes the content's
 * number come true against a same-level target of standard defence: above 0.5 the
 * opposed roll hits with 1 − d/(2a), below with a/(2d). Stats, level and the
 * target's defence then move it from there.
 */
export function accuracyRating(hitChance: number): number {
  const p = Math.min(MAX_HIT_CHANCE, Math.max(0, hitChance));
  return p >= 0.5 ? STANDARD_DEFENCE / (2 * (1 - p)) : 2 * p * STANDARD_DEFENCE;
}

/**
 * A content ability as a combat free attack, or `undefined` when combat cannot
 * use it as one: only `attack` abilities are free attacks (`interlock` ones are
 * close-combat moves, see `interlockActionOf`; buffs, heals, movement and
 * utility are not modelled by combat yet).
 */
export function toCombatAbility(def: ContentAbilityDef): CombatAbilityDef | undefined {
  if (def.kind !== "attack" || def.damageType === "none" || !def.damage) return undefined;
  return {
    id: def.id,
    damageType: def.damageType,
    range: def.range,
    cooldownSeconds: def.cooldown,
    isCost: def.innerStrength,
    accuracy: accuracyRating(def.accuracy),
    // Combat applies its own ±10% spread around the mean.
    damage: (def.damage.min + def.damage.max) / 2,
  };
}

/** Every free attack of the pack, for `createCombatState`. */
export function combatAbilities(pack: ContentPack): CombatAbilityDef[] {
  return pack.abilities.flatMap((a) => toCombatAbility(a) ?? []);
}

/** The interlock action an `interlock` ability powers (content's `interlockAction`), if it is one. */
export function interlockActionOf(def: ContentAbilityDef | undefined): ContentAbilityDef["interlockAction"] {
  return def?.kind === "interlock" ? def.interlockAction : undefined;
}

/** Whether using `abilityId` means pulling the target into close combat. */
export function startsInterlock(abilityId: string, pack: ContentPack): boolean {
  return abilityId === CLOSE_COMBAT_ABILITY || pack.ability(abilityId)?.kind === "interlock";
}

/** Abilities combat can act on: free attacks and close-combat moves. */
function usableInCombat(def: ContentAbilityDef | undefined): def is ContentAbilityDef {
  return def !== undefined && (def.kind === "attack" || def.kind === "interlock");
}

/**
 * The ability an NPC's AI names in its attack intents: the first `attack`
 * ability of the template (templates list their bread-and-butter move first),
 * else the first `interlock` one (the NPC then pulls into close combat).
 * `undefined` for templates that never fight.
 */
export function primaryAttack(def: NpcTemplateDef, pack: ContentPack): ContentAbilityDef | undefined {
  const abilities = def.abilities.map((id) => pack.ability(id)).filter(usableInCombat);
  return abilities.find((a) => a.kind === "attack") ?? abilities.find((a) => a.kind === "interlock");
}

/**
 * An NPC template for the AI. `attackRange` and `attackInterval` come from the
 * primary attack (its range; its cooldown, at least `MIN_NPC_ATTACK_INTERVAL`).
 * Only `aggressive` templates aggro: `defensive` ones get aggroRadius 0 and fight
 * once provoked (the simulation sets them chasing their attacker); `passive` ones
 * never fight. A template without an attack keeps `abilityId` "" and never gets a
 * chance to use it.
 */
export function toNpcTemplate(def: NpcTemplateDef, pack: ContentPack): NpcTemplate {
  const attack = primaryAttack(def, pack);
  return {
    id: def.id,
    name: def.name,
    level: def.level,
    maxHp: def.hp,
    speed: def.speed,
    aggroRadius: def.behavior === "aggressive" ? def.aggroRadius : 0,
    leashRadius: def.leashRadius,
    attackRange: attack?.range ?? 0,
    abilityId: attack?.id ?? "",
    attackInterval: Math.max(MIN_NPC_ATTACK_INTERVAL, attack?.cooldown ?? 0),
  };
}

/**
 * Interlock style damage: the better of a level curve (12 + 3 × level, so a
 * level-1 fighter matches Awakened's strike, 15) and the mean of the best melee
 * ability the fighter has loaded. Accuracy is the same for all (`STYLE_ACCURACY`):
 * levels and stats make the difference, as combat intends.
 */
export function styleDamage(level: number, loadout: readonly string[], pack: ContentPack): number {
  let best = 12 + 3 * level;
  for (const id of loadout) {
    const a = pack.ability(id);
    if (usableInCombat(a) && a.damageType === "melee" && a.damage) {
      best = Math.max(best, (a.damage.min + a.damage.max) / 2);
    }
  }
  return best;
}

function flat(value: number): PerDamageType {
  return { melee: value, ranged: value, viral: value };
}

/** Ids of the template's abilities combat can act on, in template order. */
export function npcLoadout(def: NpcTemplateDef, pack: ContentPack): string[] {
  return def.abilities.filter((id) => usableInCombat(pack.ability(id)));
}

/** An NPC as a fighter: its template's level, stats, hp and Inner Strength; standard defences. */
export function npcCombatant(id: string, def: NpcTemplateDef, pack: ContentPack): Combatant {
  const loadout = npcLoadout(def, pack);
  return {
    id,
    level: def.level,
    stats: { ...def.stats },
    maxHp: def.hp,
    hp: def.hp,
    maxIs: def.innerStrength,
    is: def.innerStrength,
    defence: flat(STANDARD_DEFENCE),
    resistance: flat(STANDARD_RESISTANCE),
    style: { accuracy: STYLE_ACCURACY, damage: styleDamage(def.level, loadout, pack) },
    loadout,
    readyAt: {},
  };
}

/**
 * A player's loaded abilities until loadouts are persisted: every Awakened
 * (root tree) ability combat can act on with `requiredLevel` ≤ level, plus the
 * close-combat move. At level 1 that is strike, shot and interlock.
 */
export function starterLoadout(level: number, pack: ContentPack): string[] {
  const awakened = pack
    .abilitiesIn("awakened")
    .filter((a) => usableInCombat(a) && a.requiredLevel <= level)
    .map((a) => a.id);
  return [...awakened, CLOSE_COMBAT_ABILITY];
}

/**
 * Maximum Inner Strength of a character: 50 + 10 × level, the curve the shipped
 * NPC templates follow (60 at level 1, 500 at 45).
 */
export function playerMaxIs(level: number): number {
  return 50 + 10 * level;
}

export interface PlayerCombatInput {
  id: string;
  level: number;
  stats: CharacterStats;
  hp: number;
  maxHp: number;
}

/** A character as a fighter, with full Inner Strength and the starter loadout. */
export function playerCombatant(p: PlayerCombatInput, pack: ContentPack): Combatant {
  const loadout = starterLoadout(p.level, pack);
  const maxIs = playerMaxIs(p.level);
  return {
    id: p.id,
    level: p.level,
    stats: { ...p.stats },
    maxHp: p.maxHp,
    hp: p.hp,
    maxIs,
    is: maxIs,
    defence: flat(STANDARD_DEFENCE),
    resistance: flat(STANDARD_RESISTANCE),
    style: { accuracy: STYLE_ACCURACY, damage: styleDamage(p.level, loadout, pack) },
    loadout,
    readyAt: {},
  };
}

/**
 * A content spawn zone (a circle) as an NPC spawn zone (a rectangle): the square
 * inscribed in the circle, clipped to the district's bounds. Every spawn, wander
 * and respawn point then lies inside the circle content drew (validation already
 * keeps the circle inside the bounds), at the price of never using the circle's
 * rim beyond r/√2 of the centre. A radius-0 zone is its centre point.
 */
export function toSpawnZone(zone: ContentSpawnZone, bounds: Bounds, template: NpcTemplate): SpawnZone {
  const half = zone.radius / Math.SQRT2;
  const area = clip(
    {
      minX: zone.center.x - half,
      minY: zone.center.y - half,
      maxX: zone.center.x + half,
      maxY: zone.center.y + half,
    },
    bounds,
  );
  return { id: zone.id, template, area, count: zone.count, respawnSeconds: zone.respawnSeconds };
}

function clip(area: Bounds, bounds: Bounds): Bounds {
  const minX = Math.min(Math.max(area.minX, bounds.minX), bounds.maxX);
  const minY = Math.min(Math.max(area.minY, bounds.minY), bounds.maxY);
  const maxX = Math.max(Math.min(area.maxX, bounds.maxX), minX);
  const maxY = Math.max(Math.min(area.maxY, bounds.maxY), minY);
  return { minX, minY, maxX, maxY };
}

/** Combat rules for a district: its `combatRules` picks the interlock ruleset. */
export function districtCombatConfig(district: DistrictDef, tickRate: number): CombatConfig {
  return makeCombatConfig(tickRate, {
    interlock: { ruleset: district.combatRules === "CR1" ? "cr1" : "cr2" },
  });
}
