import { z } from "zod";
import { Description, Id, Level, Name, Stats } from "./common.js";

/**
 * `aggressive` NPCs attack whoever enters their aggro radius, `defensive` ones only
 * fight back, `passive` ones never fight (civilians, escort targets).
 */
export const NPC_BEHAVIORS = ["aggressive", "defensive", "passive"] as const;

export const NpcTemplate = z
  .strictObject({
    id: Id,
    name: Name,
    description: Description,
    level: Level,
    /** Gang or program group, e.g. `lost_angels`, `agents`, `exiles`. NPCs of one faction fight together. */
    faction: Id,
    behavior: z.enum(NPC_BEHAVIORS).default("aggressive"),
    stats: Stats,
    hp: z.number().int().min(1).max(100_000),
    innerStrength: z.number().int().min(0).max(10_000).default(0),
    /** Ability ids the NPC uses in combat. */
    abilities: z.array(Id).default([]),
    /** Loot table rolled when the NPC is defeated; none for civilians. */
    lootTable: Id.optional(),
    /** World units from the NPC within which a character draws its attention. */
    aggroRadius: z.number().min(0).max(100),
    /** World units from its spawn point beyond which the NPC gives up and returns. */
    leashRadius: z.number().min(10).max(500),
    /** Units per second (a character walks at 6). */
    speed: z.number().min(0).max(20),
    /** Experience for defeating it. */
    xp: z.number().int().min(0).max(1_000_000),
  })
  .superRefine((n, ctx) => {
    if (n.leashRadius <= n.aggroRadius) {
      ctx.addIssue({ code: "custom", path: ["leashRadius"], message: "leashRadius must exceed aggroRadius" });
    }
    if (n.behavior === "aggressive" && n.aggroRadius === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["aggroRadius"],
        message: "an aggressive NPC needs an aggroRadius",
      });
    }
    if (n.behavior === "passive" && n.aggroRadius !== 0) {
      ctx.addIssue({ code: "custom", path: ["aggroRadius"], message: "a passive NPC has aggroRadius 0" });
    }
    const seen = new Set<string>();
    n.abilities.forEach((a, i) => {
      if (seen.has(a))
        ctx.addIssue({ code: "custom", path: ["abilities", i], message: `ability "${a}" is listed twice` });
      seen.add(a);
    });
  });
export type NpcTemplateDef = z.infer<typeof NpcTemplate>;
