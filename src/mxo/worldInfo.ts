import { z } from "zod";
import type { ContentPack } from "./content/ContentPack.js";
import { COMBAT_RULES } from "./content/schema/district.js";
import { BUY_BACK_RATE, salePrice, VENDOR_REACH } from "./rules/vendors.js";

const Place = { x: z.number(), y: z.number() };

/** What `GET /api/v1/districts` answers: `worldInfo`'s return type is checked against it, and the API document shows it. */
export const WorldInfoBody = z.object({
  contentRevision: z.number().int().nullable().meta({ description: "null while the pack on disk runs" }),
  districts: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      description: z.string(),
      bounds: z.object({ minX: z.number(), minY: z.number(), maxX: z.number(), maxY: z.number() }),
      moveSpeed: z.number().meta({ description: "World units per second" }),
      pvp: z.boolean(),
      combatRules: z.enum(COMBAT_RULES),
      hardlines: z.array(
        z.object({
          id: z.string(),
          name: z.string(),
          ...Place,
          z: z.number(),
          arrival: z.boolean(),
          loadout: z.boolean(),
        }),
      ),
      contacts: z.array(
        z.object({
          id: z.string(),
          name: z.string(),
          organization: z.string().nullable(),
          ...Place,
          radius: z.number(),
        }),
      ),
      missions: z.array(
        z.object({
          id: z.string(),
          name: z.string(),
          description: z.string(),
          requiredLevel: z.number().int(),
          organization: z.string().nullable(),
          contact: z.string().nullable(),
          repeatable: z.boolean(),
          prerequisites: z.array(z.string()),
        }),
      ),
      vendors: z.array(
        z.object({
          id: z.string(),
          name: z.string(),
          ...Place,
          sells: z.array(
            z.object({
              itemId: z.string(),
              name: z.string(),
              kind: z.string(),
              price: z.number().int().meta({ description: "Information per item" }),
              ability: z
                .object({ id: z.string(), name: z.string() })
                .nullable()
                .meta({ description: "For ability code: the ability it lets a character load" }),
            }),
          ),
          reach: z
            .number()
            .meta({ description: "How near (world units) a player must stand to buy or sell" }),
          buyBackRate: z
            .number()
            .meta({ description: "What the vendor pays for a tradeable item, as a fraction of its value" }),
        }),
      ),
    }),
  ),
});

/**
 * The public map of the running content (`GET /api/v1/districts`): what a
 * client needs to draw districts, offer missions and show vendors. Nothing here is secret:
 * it is what players see in game.
 */
export function worldInfo(revision: number | null, pack: ContentPack): z.input<typeof WorldInfoBody> {
  return {
    contentRevision: revision,
    districts: pack.districts.map((d) => ({
      id: d.id,
      name: d.name,
      description: d.description,
      bounds: d.bounds,
      moveSpeed: d.moveSpeed,
      pvp: d.pvp,
      combatRules: d.combatRules,
      hardlines: d.hardlines.map((h) => ({
        id: h.id,
        name: h.name,
        x: h.x,
        y: h.y,
        z: h.z,
        arrival: h.arrival,
        loadout: h.loadout,
      })),
      contacts: pack.contactsIn(d.id).map((c) => ({
        id: c.id,
        name: c.name,
        organization: c.organization ?? null,
        x: c.location.x,
        y: c.location.y,
        radius: c.location.radius,
      })),
      missions: pack.missionsIn(d.id).map((m) => ({
        id: m.id,
        name: m.name,
        description: m.description,
        requiredLevel: m.requiredLevel,
        organization: m.organization ?? null,
        contact: m.contact ?? null,
        repeatable: m.repeatable,
        prerequisites: m.prerequisites,
      })),
      vendors: d.vendors.map((v) => ({
        id: v.id,
        name: v.name,
        x: v.x,
        y: v.y,
        sells: v.sells.flatMap((w) => {
          const item = pack.item(w.itemId);
          if (!item) return [];
          const ability = item.teaches !== undefined ? pack.ability(item.teaches) : undefined;
          return [
            {
              itemId: item.id,
              name: item.name,
              kind: item.kind,
              price: salePrice(w, item),
              ability: ability ? { id: ability.id, name: ability.name } : null,
            },
          ];
        }),
        reach: VENDOR_REACH,
        buyBackRate: BUY_BACK_RATE,
      })),
    })),
  };
}
