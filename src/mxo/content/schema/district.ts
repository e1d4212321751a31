import { z } from "zod";
import type { Bounds } from "../../../framework/movement.js";
import { WORLD_EXTENT } from "../../../../schema/wireDomains.js";
import { Description, Id, Name, Point } from "./common.js";

export const COMBAT_RULES = ["CR1", "CR2"] as const;

export const Hardline = Point.extend({
  /** Unique across the whole pack: travel and GM commands name hardlines by id. */
  id: z.string().min(1),
  name: z.string().min(1),
  /** The one hardline where newcomers and travellers appear. */
  arrival: z.boolean().default(false),
  /** Whether characters may change their loaded abilities here. */
  loadout: z.boolean().default(true),
});

/** One thing a vendor sells; `price` in Information (default: the item's `value`). */
export const VendorWare = z.strictObject({
  itemId: Id,
  price: z.number().int().min(1).max(100_000_000).optional(),
});

/**
 * An NPC who sells (and buys back) items within reach of where it stands. Ids
 * are unique across the pack: `buy`/`sell` name the vendor without a district.
 */
export const Vendor = Point.extend({
  id: Id,
  name: Name,
  sells: z.array(VendorWare).min(1).max(64),
});
export type VendorDef = z.infer<typeof Vendor>;

/** Where a defeated character reappears (the nearest one; the arrival hardline when none). */
export const SpawnPoint = Point.extend({ id: Id, name: Name });

/** A circle that keeps `count` NPCs of one template alive. */
export const SpawnZone = z.strictObject({
  id: Id,
  template: Id,
  count: z.number().int().min(1).max(50),
  center: Point,
  radius: z.number().min(0).max(500),
  respawnSeconds: z.number().min(5).max(3600),
});
export type SpawnZone = z.infer<typeof SpawnZone>;

export const District = z
  .strictObject({
    id: z.string().regex(/^[a-z][a-z0-9_-]{1,31}$/, "id must be lowercase letters, digits, _ or -"),
    name: Name,
    description: Description,
    /** Inside [0, WORLD_EXTENT] on both axes: the domain positions are quantized over on the wire. */
    bounds: z.strictObject({
      minX: z.number().min(0),
      minY: z.number().min(0),
      maxX: z.number().max(WORLD_EXTENT),
      maxY: z.number().max(WORLD_EXTENT),
    }),
    moveSpeed: z.number().positive().max(100).default(6),
    pvp: z.boolean().default(false),
    /** Combat rules of the district: CR2 (stats, interlock) unless content says CR1. */
    combatRules: z.enum(COMBAT_RULES).default("CR2"),
    hardlines: z.array(Hardline).min(1, "a district needs at least one hardline"),
    /** Radius around the arrival hardline where newcomers appear. */
    arrivalRadius: z.number().nonnegative().max(50).default(4),
    spawnPoints: z.array(SpawnPoint).default([]),
    spawnZones: z.array(SpawnZone).default([]),
    vendors: z.array(Vendor).default([]),
  })
  .superRefine((d, ctx) => {
    const { minX, minY, maxX, maxY } = d.bounds;
    const inside = (x: number, y: number, margin = 0) =>
      x - margin >= minX && x + margin <= maxX && y - margin >= minY && y + margin <= maxY;
    if (maxX - minX < 100 || maxY - minY < 100) {
      ctx.addIssue({
        code: "custom",
        path: ["bounds"],
        message: "bounds must be at least 100 units on a side",
      });
    }
    const arrivals = d.hardlines.filter((h) => h.arrival);
    if (arrivals.length !== 1) {
      ctx.addIssue({
        code: "custom",
        path: ["hardlines"],
        message: "exactly one hardline must have arrival: true",
      });
    }
    d.hardlines.forEach((h, i) => {
      if (!inside(h.x, h.y)) {
        ctx.addIssue({
          code: "custom",
          path: ["hardlines", i],
          message: `hardline ${h.id} is outside the bounds`,
        });
      }
    });
    d.spawnPoints.forEach((p, i) => {
      if (!inside(p.x, p.y)) {
        ctx.addIssue({
          code: "custom",
          path: ["spawnPoints", i],
          message: `spawn point ${p.id} is outside the bounds`,
        });
      }
    });
    d.spawnZones.forEach((s, i) => {
      if (!inside(s.center.x, s.center.y, s.radius)) {
        ctx.addIssue({
          code: "custom",
          path: ["spawnZones", i, "center"],
          message: `spawn zone ${s.id} (center ${s.center.x},${s.center.y}, radius ${s.radius}) does not lie inside the bounds`,
        });
      }
    });
    d.vendors.forEach((v, i) => {
      if (!inside(v.x, v.y)) {
        ctx.addIssue({
          code: "custom",
          path: ["vendors", i],
          message: `vendor ${v.id} is outside the bounds`,
        });
      }
      const wares = new Set<string>();
      v.sells.forEach((w, j) => {
        if (wares.has(w.itemId)) {
          ctx.addIssue({
            code: "custom",
            path: ["vendors", i, "sells", j, "itemId"],
            message: `vendor ${v.id} lists "${w.itemId}" twice`,
          });
        }
        wares.add(w.itemId);
      });
    });
    for (const [key, list] of [
      ["hardlines", d.hardlines],
      ["spawnPoints", d.spawnPoints],
      ["spawnZones", d.spawnZones],
      ["vendors", d.vendors],
    ] as const) {
      const seen = new Set<string>();
      list.forEach((e, i) => {
        if (seen.has(e.id)) {
          ctx.addIssue({ code: "custom", path: [key, i, "id"], message: `duplicate id "${e.id}" in ${key}` });
        }
        seen.add(e.id);
      });
    }
  });

export type DistrictDef = z.infer<typeof District> & { bounds: Bounds };

/**
 * Checks across districts: hardline, spawn-zone and vendor ids are unique in the whole
 * pack (travel, GM commands and `buy`/`sell` name them without a district). Paths start at the district's index.
 */
export function checkDistrictList(
  districts: readonly { index: number; value: z.infer<typeof District> }[],
  add: (path: (string | number)[], message: string) => void,
): void {
  for (const key of ["hardlines", "spawnZones", "vendors"] as const) {
    const owner = new Map<string, string>();
    for (const { index, value: d } of districts) {
      const local = new Set<string>();
      d[key].forEach((e, j) => {
        const other = owner.get(e.id);
        if (other !== undefined && !local.has(e.id)) {
          const what = { hardlines: "hardline", spawnZones: "spawn zone", vendors: "vendor" }[key];
          add([index, key, j, "id"], `${what} id "${e.id}" is already used in district "${other}"`);
        }
        local.add(e.id);
        if (other === undefined) owner.set(e.id, d.id);
      });
    }
  }
}
