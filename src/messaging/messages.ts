import { z } from "zod";

/** Client → server message payloads (contract §3). */
export const ChatMessage = z
  .object({
    channel: z.enum(["say", "district", "organization", "whisper", "global"]),
    text: z
      .string()
      .min(1, "text must not be empty")
      .max(256, "text must be at most 256 characters")
      .refine((t) => t.trim().length > 0, "text must not be blank"),
    to: z.string().min(1).max(24).optional(),
  })
  .refine((m) => m.channel !== "whisper" || m.to !== undefined, {
    message: "whisper needs `to`: the character name",
    path: ["to"],
  });
export type ChatMessage = z.infer<typeof ChatMessage>;

export const ChatHistoryRequest = z.object({
  channel: z.enum(["district", "organization", "global"]),
});

export const AbilityMessage = z.object({
  abilityId: z.string().min(1).max(64),
  targetId: z.string().min(1).max(64),
});

export const InterlockMessage = z.object({
  action: z.enum(["quick", "power", "grab", "block", "withdraw"]),
});

export const MissionMessage = z.object({
  /** `turn_in` retries handing in a finished mission's collected items. */
  action: z.enum(["accept", "abandon", "turn_in"]),
  missionId: z.string().min(1).max(64),
});

export const TravelMessage = z.object({
  district: z.string().min(1).max(32),
});
export type TravelMessage = z.infer<typeof TravelMessage>;

export const JoinOptions = z.object({
  district: z.string().min(1).max(32),
  characterId: z.string().uuid("characterId must be a UUID"),
});
export type JoinOptions = z.infer<typeof JoinOptions>;

/** How far a `say` carries, in world units. */
export const SAY_RADIUS = 60;

/** `gm:metrics {on}`: a GM subscribes to (or leaves) the once-a-second server figures. */
export const GmMetricsMessage = z.object({ on: z.boolean() });

/** `loadout {abilities}`: the abilities to load, at a hardline. */
export const LoadoutMessage = z.object({
  abilities: z.array(z.string().min(1).max(64)).max(16),
});

/** `interact {target}`: talk to a contact (by content id) or an NPC (by id) within reach. */
export const InteractMessage = z.object({ target: z.string().min(1).max(64) });
