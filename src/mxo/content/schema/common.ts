import { z } from "zod";
import { ALTITUDE_EXTENT } from "../../../../schema/wireDomains.js";
import { ORGANIZATIONS } from "../../rules/characterRules.js";

/** Highest character level in The Matrix Online. */
export const MAX_LEVEL = 50;

/** Lowercase id shared by every kind: safe in URLs, log lines and GM commands. */
export const Id = z.string().regex(/^[a-z][a-z0-9_-]{1,63}$/, "id must be lowercase letters, digits, _ or -");

export const Name = z.string().min(1, "name must not be empty").max(80);

export const Description = z.string().max(2000).default("");

export const Level = z.number().int().min(1).max(MAX_LEVEL);

export const Point = z.strictObject({
  x: z.number(),
  y: z.number(),
  /** Within the wire's altitude domain (schema/wireDomains.ts). */
  z: z
    .number()
    .min(-ALTITUDE_EXTENT)
    .max(ALTITUDE_EXTENT - 1 / 16)
    .default(0),
});
export type Point = z.infer<typeof Point>;

/** A place in some district: where a meeting happens or an escort ends. */
export const Location = Point.extend({
  district: Id,
  /** How close (world units) a character must come for the objective to count. */
  radius: z.number().positive().max(200).default(10),
});
export type Location = z.infer<typeof Location>;

/** An inclusive numeric range, `min` ≤ `max`. */
export function range(min = 0) {
  return z
    .strictObject({ min: z.number().min(min), max: z.number().min(min) })
    .refine((r) => r.min <= r.max, { message: "min must not exceed max" });
}

/** The five CR2 attributes (`CharacterStats`). */
export const STATS = ["focus", "perception", "reason", "belief", "vitality"] as const;
export const Stat = z.enum(STATS);
export type Stat = z.infer<typeof Stat>;

export const Stats = z.strictObject({
  focus: z.number().int().min(0).max(100),
  perception: z.number().int().min(0).max(100),
  reason: z.number().int().min(0).max(100),
  belief: z.number().int().min(0).max(100),
  vitality: z.number().int().min(0).max(100),
});
export type Stats = z.infer<typeof Stats>;

export const Organization = z.enum(ORGANIZATIONS);

/** Damage channels: Operatives fight melee or ranged, Hackers viral; utility abilities deal none. */
export const DAMAGE_TYPES = ["melee", "ranged", "viral", "none"] as const;
export const DamageType = z.enum(DAMAGE_TYPES);
export type DamageType = z.infer<typeof DamageType>;

/**
 * What a timed modifier (ability buff/debuff, consumable) changes. The five stats
 * are flat points; `speed`, `accuracy` and `damage` are fractions (+0.5 = +50%);
 * `defense` and `jumpHeight` are flat; `stealth` is 1 while hidden.
 */
export const MODIFIED = [
  ...STATS,
  "speed",
  "jumpHeight",
  "accuracy",
  "damage",
  "defense",
  "stealth",
] as const;
export const Modifier = z.strictObject({
  attribute: z.enum(MODIFIED),
  amount: z.number().min(-100).max(100),
  durationSeconds: z.number().positive().max(3600),
});
export type Modifier = z.infer<typeof Modifier>;
