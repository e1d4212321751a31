import type { ContentPack } from "./content/ContentPack.js";

/**
 * The public map of the running content (`GET /api/v1/districts`): what a
 * client needs to draw districts and offer missions. Nothing here is secret:
 * it is what players see in game.
 */
export function worldInfo(revision: number | null, pack: ContentPack) {
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
    })),
  };
}
