import { z } from "zod";
import { Description, Id, Level, Location, Name, Organization } from "./common.js";

/** A character who hands out missions, standing at `location`. */
export const Contact = z.strictObject({
  id: Id,
  name: Name,
  description: Description,
  /** Omitted for neutral contacts. */
  organization: Organization.optional(),
  location: Location,
});
export type ContactDef = z.infer<typeof Contact>;

const Count = z.number().int().min(1).max(100);

/** Meet a contact (where they stand, unless `location` says otherwise) or an NPC of a template at `location`. */
export const MeetObjective = z.strictObject({
  kind: z.literal("meet"),
  contact: Id.optional(),
  npc: Id.optional(),
  location: Location.optional(),
});
export const EliminateObjective = z.strictObject({
  kind: z.literal("eliminate"),
  template: Id,
  count: Count,
});
export const CollectObjective = z.strictObject({ kind: z.literal("collect"), item: Id, count: Count });
/** Keep an NPC of `template` (spawned for the mission) alive until it reaches `to`. */
export const EscortObjective = z.strictObject({ kind: z.literal("escort"), template: Id, to: Location });

export const Objective = z.discriminatedUnion("kind", [
  MeetObjective,
  EliminateObjective,
  CollectObjective,
  EscortObjective,
]);
export type ObjectiveDef = z.infer<typeof Objective>;

export const Rewards = z.strictObject({
  xp: z.number().int().min(0),
  /** Information, the currency. */
  info: z.number().int().min(0).default(0),
  items: z.array(z.strictObject({ item: Id, count: Count })).default([]),
  /** Reputation change per organization; negative for the rivals a mission angers. */
  reputation: z.partialRecord(Organization, z.number().int().min(-1000).max(1000)).default({}),
});

export const Mission = z
  .strictObject({
    id: Id,
    name: Name,
    description: Description,
    district: Id,
    /** The contact who hands the mission out. */
    contact: Id,
    /** Omitted for missions anyone may take. */
    organization: Organization.optional(),
    requiredLevel: Level,
    /** Missions that must be completed first. */
    prerequisites: z.array(Id).default([]),
    repeatable: z.boolean().default(false),
    /** As presented to the player; whether they must be done in order is the mission rules' call. */
    objectives: z.array(Objective).min(1, "a mission needs at least one objective"),
    rewards: Rewards,
  })
  .superRefine((m, ctx) => {
    m.objectives.forEach((o, i) => {
      if (o.kind !== "meet") return;
      if ((o.contact === undefined) === (o.npc === undefined)) {
        ctx.addIssue({
          code: "custom",
          path: ["objectives", i],
          message: "a meet objective names exactly one of contact or npc",
        });
      } else if (o.npc !== undefined && o.location === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["objectives", i, "location"],
          message: "meeting an npc needs a location",
        });
      }
    });
    m.prerequisites.forEach((p, i) => {
      if (p === m.id) {
        ctx.addIssue({
          code: "custom",
          path: ["prerequisites", i],
          message: "a mission cannot require itself",
        });
      }
    });
  });
export type MissionDef = z.infer<typeof Mission>;
