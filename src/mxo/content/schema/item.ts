import { z } from "zod";
import { Description, Id, Level, Modifier, Name, range } from "./common.js";

/** `code`: ability code; holding it is what lets a character load the ability it `teaches`. */
export const ITEM_KINDS = ["weapon", "clothing", "consumable", "mission", "code"] as const;
export const CLOTHING_SLOTS = ["head", "eyewear", "jacket", "shirt", "gloves", "pants", "shoes"] as const;

/**
 * Flat bonuses while equipped: attribute points, hit points, inner strength,
 * defense (rating, every damage type), accuracy (fraction), resistance ratings
 * per damage type.
 */
export const Bonuses = z.strictObject({
  focus: z.number().int().optional(),
  perception: z.number().int().optional(),
  reason: z.number().int().optional(),
  belief: z.number().int().optional(),
  vitality: z.number().int().optional(),
  hp: z.number().int().optional(),
  innerStrength: z.number().int().optional(),
  defense: z.number().int().optional(),
  accuracy: z.number().min(-1).max(1).optional(),
  meleeResistance: z.number().int().optional(),
  rangedResistance: z.number().int().optional(),
  viralResistance: z.number().int().optional(),
});
export type Bonuses = z.infer<typeof Bonuses>;

export const WeaponStats = z.strictObject({
  /** Its fighting style: close combat, firearms, or hacker code (viral). */
  damageType: z.enum(["melee", "ranged", "viral"]),
  damage: range(1),
  /** World units. */
  range: z.number().positive().max(60),
  /** Seconds between two auto-attacks. */
  attackSeconds: z.number().min(0.5).max(5),
});

export const ConsumableUse = z.strictObject({
  heal: z.number().int().min(0).default(0),
  innerStrength: z.number().int().min(0).default(0),
  modifiers: z.array(Modifier).default([]),
  cooldown: z.number().min(0).max(600).default(0),
});

export const Item = z
  .strictObject({
    id: Id,
    name: Name,
    description: Description,
    kind: z.enum(ITEM_KINDS),
    stackable: z.boolean().default(false),
    maxStack: z.number().int().min(1).max(999).default(1),
    /** Price in information, the currency of the Matrix: what vendors ask by default (they buy back at a quarter). */
    value: z.number().int().min(0),
    requiredLevel: Level.default(1),
    tradeable: z.boolean().default(true),
    bonuses: Bonuses.default({}),
    /** Weapons only. */
    weapon: WeaponStats.optional(),
    /** Clothing only. */
    slot: z.enum(CLOTHING_SLOTS).optional(),
    /** Consumables only: what using one does. */
    use: ConsumableUse.optional(),
    /** Code only: the ability (abilities.json id) holding this item lets a character load. */
    teaches: Id.optional(),
  })
  .superRefine((item, ctx) => {
    const issue = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: "custom", path, message });
    if (!item.stackable && item.maxStack !== 1)
      issue(["maxStack"], "an item that is not stackable has maxStack 1");
    if (item.stackable && item.maxStack < 2)
      issue(["maxStack"], "a stackable item needs maxStack of at least 2");
    if ((item.kind === "weapon") !== (item.weapon !== undefined)) {
      issue(
        ["weapon"],
        item.kind === "weapon" ? "a weapon needs weapon stats" : "only weapons have weapon stats",
      );
    }
    if ((item.kind === "clothing") !== (item.slot !== undefined)) {
      issue(["slot"], item.kind === "clothing" ? "clothing needs a slot" : "only clothing has a slot");
    }
    if ((item.kind === "consumable") !== (item.use !== undefined)) {
      issue(["use"], item.kind === "consumable" ? "a consumable needs a use" : "only consumables have a use");
    }
    if ((item.kind === "code") !== (item.teaches !== undefined)) {
      issue(["teaches"], item.kind === "code" ? "ability code needs teaches" : "only code teaches");
    }
    if (item.use && item.use.heal === 0 && item.use.innerStrength === 0 && item.use.modifiers.length === 0) {
      issue(["use"], "a consumable must heal, restore inner strength or apply a modifier");
    }
    if (item.weapon?.damageType === "melee" && item.weapon.range > 6) {
      issue(["weapon", "range"], "a melee weapon reaches at most 6 units");
    }
    if (item.weapon && item.weapon.damageType !== "melee" && item.weapon.range < 10) {
      issue(["weapon", "range"], `a ${item.weapon.damageType} weapon reaches at least 10 units`);
    }
  });
export type ItemDef = z.infer<typeof Item>;
