import { z } from "zod";
import { FRAMEWORK_CLIENT_MESSAGES } from "../../framework/contract/commands.js";
import { INTERLOCK_ACTIONS } from "../rules/combat/config.js";
import { CHAT_CHANNELS, HISTORY_CHANNELS } from "./chat.js";

/** MxO's client → server messages (contract §3): one zod schema each, the type inferred from it. */

export const ChatMessage = z
  .object({
    channel: z.enum(CHAT_CHANNELS),
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

export const ChatHistoryRequest = z.object({ channel: z.enum(HISTORY_CHANNELS) });
export type ChatHistoryRequest = z.infer<typeof ChatHistoryRequest>;

/** `ability {abilityId, targetId}`: use a loaded ability (a free attack, a support ability, or the interlock opener). */
export const AbilityMessage = z.object({
  abilityId: z.string().min(1).max(64),
  targetId: z.string().min(1).max(64),
});
export type AbilityMessage = z.infer<typeof AbilityMessage>;

/** `interlock {action}`: this round's choice in close combat. */
export const InterlockMessage = z.object({ action: z.enum(INTERLOCK_ACTIONS) });
export type InterlockMessage = z.infer<typeof InterlockMessage>;

export const MissionMessage = z.object({
  /** `turn_in` retries handing in a finished mission's collected items. */
  action: z.enum(["accept", "abandon", "turn_in"]),
  missionId: z.string().min(1).max(64),
});
export type MissionMessage = z.infer<typeof MissionMessage>;

export const TravelMessage = z.object({ district: z.string().min(1).max(32) });
export type TravelMessage = z.infer<typeof TravelMessage>;

/** `loadout {abilities}`: the abilities to load, at a hardline. */
export const LoadoutMessage = z.object({ abilities: z.array(z.string().min(1).max(64)).max(16) });
export type LoadoutMessage = z.infer<typeof LoadoutMessage>;

/** `interact {target}`: talk to a contact (by content id) or an NPC (by id) within reach. */
export const InteractMessage = z.object({ target: z.string().min(1).max(64) });
export type InteractMessage = z.infer<typeof InteractMessage>;

/** The options of a `district` join (the token goes in the SDK's `client.auth.token`). */
export const JoinOptions = z.object({
  district: z.string().min(1).max(32),
  characterId: z.string().uuid("characterId must be a UUID"),
});
export type JoinOptions = z.infer<typeof JoinOptions>;

/** Every MxO message type a district room accepts, with its schema (the framework's `gm` messages besides). */
export const MXO_CLIENT_MESSAGES = {
  chat: ChatMessage,
  "chat:history": ChatHistoryRequest,
  ability: AbilityMessage,
  interlock: InterlockMessage,
  mission: MissionMessage,
  travel: TravelMessage,
  loadout: LoadoutMessage,
  interact: InteractMessage,
} as const;

/** Every message type a district room accepts: the framework's and MxO's. */
export const DISTRICT_CLIENT_MESSAGES = { ...FRAMEWORK_CLIENT_MESSAGES, ...MXO_CLIENT_MESSAGES } as const;

/** Each message's payload as a client writes it (before the schema's defaults). */
export type DistrictClientMessages = {
  [K in keyof typeof DISTRICT_CLIENT_MESSAGES]: z.input<(typeof DISTRICT_CLIENT_MESSAGES)[K]>;
};
