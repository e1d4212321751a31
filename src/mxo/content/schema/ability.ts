import { z } from "zod";
import { DamageType, Description, Id, Level, Modifier, Name, range, Stat } from "./common.js";

export const ABILITY_TREES = [
  "awakened",
  "coder",
  "hacker",
  "operative",
  "martial_artist",
  "gunman",
  "spy",
] as const;
export type AbilityTree = (typeof ABILITY_TREES)[number];

/**
 * The archetype tree: every Redpill starts Awakened, branches into Coder, Hacker or
 * Operative, and Operatives specialise as Martial Artist, Gunman or Spy.
 */
export const TREE_PARENT: Readonly<Record<AbilityTree, AbilityTree | null>> = {
  awakened: null,
  coder: "awakened",
  hacker: "awakened",
  operative: "awakened",
  martial_artist: "operative",
  gunman: "operative",
  spy: "operative",
};

/** A tree and the trees it branches from, nearest first (`gunman` → gunman, operative, awakened). */
export function treeLineage(tree: AbilityTree): AbilityTree[] {
  const out: AbilityTree[] = [];
  for (let t: AbilityTree | null = tree; t; t = TREE_PARENT[t]) out.push(t);
  return out;
}

/** `interlock` abilities are usable in close combat only; the rest in free combat. */
export const ABILITY_KINDS = [
  "attack",
  "interlock",
  "buff",
  "debuff",
  "heal",
  "movement",
  "utility",
] as const;
export const ABILITY_TARGETS = ["self", "ally", "enemy"] as const;
export const INTERLOCK_ACTIONS = ["quick", "power", "grab", "block"] as const;

const TARGETS_BY_KIND: Record<(typeof ABILITY_KINDS)[number], readonly (typeof ABILITY_TARGETS)[number][]> = {
  attack: ["enemy"],
  interlock: ["enemy"],
  debuff: ["enemy"],
  buff: ["self", "ally"],
  heal: ["self", "ally"],
  movement: ["self"],
  utility: ["self", "ally", "enemy"],
};

export const Ability = z
  .strictObject({
    id: Id,
    name: Name,
    description: Description,
    tree: z.enum(ABILITY_TREES),
    /** Abilities that must be known first: same tree or a tree it branches from. */
    prerequisites: z.array(Id).default([]),
    requiredLevel: Level,
    /** Loadout budget used while the ability is loaded. */
    memoryCost: z.number().int().min(0).max(50),
    kind: z.enum(ABILITY_KINDS),
    target: z.enum(ABILITY_TARGETS),
    /** World units; 0 for abilities on oneself. */
    range: z.number().min(0).max(60),
    /** Area of effect around the target; 0 for a single target. */
    areaRadius: z.number().min(0).max(30).default(0),
    /** Seconds. */
    cooldown: z.number().min(0).max(600),
    /** Inner Strength spent per use. */
    innerStrength: z.number().int().min(0).max(500),
    damageType: DamageType,
    /** Base hit chance before stats, 0..1. */
    accuracy: z.number().min(0).max(1).default(1),
    /** The attribute whose points scale damage, healing and modifier strength. */
    scalesWith: Stat,
    damage: range(1).optional(),
    heal: range(1).optional(),
    modifiers: z.array(Modifier).default([]),
    /** Interlock abilities: the close-combat action they power. */
    interlockAction: z.enum(INTERLOCK_ACTIONS).optional(),
  })
  .superRefine((a, ctx) => {
    const issue = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: "custom", path, message });
    const deals = a.kind === "attack" || a.kind === "interlock";
    if (deals && a.damageType === "none") issue(["damageType"], `an ${a.kind} ability needs a damage type`);
    if (!deals && a.damageType !== "none") issue(["damageType"], `a ${a.kind} ability has damageType "none"`);
    if (deals !== (a.damage !== undefined)) {
      issue(["damage"], deals ? `an ${a.kind} ability needs damage` : `a ${a.kind} ability deals no damage`);
    }
    if ((a.kind === "heal") !== (a.heal !== undefined)) {
      issue(["heal"], a.kind === "heal" ? "a heal ability needs heal numbers" : "only heal abilities heal");
    }
    if ((a.kind === "buff" || a.kind === "debuff" || a.kind === "movement") && a.modifiers.length === 0) {
      issue(["modifiers"], `a ${a.kind} ability needs at least one modifier`);
    }
    if ((a.kind === "interlock") !== (a.interlockAction !== undefined)) {
      issue(
        ["interlockAction"],
        a.kind === "interlock"
          ? "an interlock ability needs an interlockAction"
          : "only interlock abilities have one",
      );
    }
    if (!TARGETS_BY_KIND[a.kind].includes(a.target)) {
      issue(["target"], `a ${a.kind} ability targets ${TARGETS_BY_KIND[a.kind].join(" or ")}`);
    }
    if (a.target === "self" && a.range !== 0) issue(["range"], "an ability on oneself has range 0");
    if (a.target !== "self" && a.range === 0) issue(["range"], "an ability on another needs a range");
    if ((a.damageType === "melee" || a.kind === "interlock") && a.range > 6) {
      issue(["range"], "melee and interlock abilities reach at most 6 units");
    }
    if ((a.damageType === "ranged" || a.damageType === "viral") && a.range < 10) {
      issue(["range"], `a ${a.damageType} ability reaches at least 10 units`);
    }
    const seen = new Set<string>();
    a.prerequisites.forEach((p, i) => {
      if (p === a.id) issue(["prerequisites", i], "an ability cannot require itself");
      else if (seen.has(p)) issue(["prerequisites", i], `prerequisite "${p}" is listed twice`);
      seen.add(p);
    });
  });
export type AbilityDef = z.infer<typeof Ability>;
