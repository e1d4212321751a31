import { z } from "zod";
import { Id, range } from "./common.js";

/** One independent roll: with probability `chance`, between `min` and `max` of `item` drop. */
export const LootEntry = z
  .strictObject({
    item: Id,
    chance: z.number().min(0).max(1),
    min: z.number().int().min(1).max(999),
    max: z.number().int().min(1).max(999),
  })
  .refine((e) => e.min <= e.max, { message: "min must not exceed max", path: ["max"] });

export const LootTable = z.strictObject({
  id: Id,
  entries: z.array(LootEntry).default([]),
  /** Information (currency) dropped alongside. */
  info: range(0).default({ min: 0, max: 0 }),
});
export type LootTableDef = z.infer<typeof LootTable>;
