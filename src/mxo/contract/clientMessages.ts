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

/** `travel {district, hardline?}`: from a hardline, to a named hardline of the target (default: its arrival one). */
export const TravelMessage = z.object({
  district: z.string().min(1).max(32),
  hardline: z.string().min(1).max(64).optional(),
});
export type TravelMessage = z.infer<typeof TravelMessage>;

/** `loadout {abilities}`: the abilities to load, at a hardline. */
export const LoadoutMessage = z.object({ abilities: z.array(z.string().min(1).max(64)).max(16) });
export type LoadoutMessage = z.infer<typeof LoadoutMessage>;

/** `interact {target}`: talk to a contact (by content id) or an NPC (by id) within reach. */
export const InteractMessage = z.object({ target: z.string().min(1).max(64) });
export type InteractMessage = z.infer<typeof InteractMessage>;

/** The five attributes a point can go to (contract §7). */
export const ATTRIBUTES = ["focus", "perception", "reason", "belief", "vitality"] as const;

/** `allocate {stat}`: spends one unspent attribute point. */
export const AllocateMessage = z.object({ stat: z.enum(ATTRIBUTES) });
export type AllocateMessage = z.infer<typeof AllocateMessage>;

const ItemId = z.string().min(1).max(64);
/** How many of an item one message moves: a whole number, bounded so no total can overflow. */
const Quantity = z.number().int().min(1).max(9999);

/** `equip {itemId}`: into the item's slot (a weapon's, or the clothing's own). */
export const EquipMessage = z.object({ itemId: ItemId });
export type EquipMessage = z.infer<typeof EquipMessage>;

/** `unequip {slot}`. */
export const UnequipMessage = z.object({ slot: z.string().min(1).max(32) });
export type UnequipMessage = z.infer<typeof UnequipMessage>;

/** `use {itemId}`: one consumable. */
export const UseMessage = z.object({ itemId: ItemId });
export type UseMessage = z.infer<typeof UseMessage>;

/** `buy` / `sell {vendorId, itemId, qty?}`: at a vendor within reach. */
export const VendorMessage = z.object({
  vendorId: z.string().min(1).max(64),
  itemId: ItemId,
  qty: Quantity.default(1),
  /**
   * Names this purchase or sale: a client that resends after a lost answer
   * with the same id is charged (or paid) once. Without it each message is
   * a new one.
   */
  requestId: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_.:-]+$/, "requestId: letters, digits, _ . : -")
    .optional(),
});
export type VendorMessage = z.infer<typeof VendorMessage>;

/** One side of a trade: items and Information (contract §7). */
export const TradeSide = z.object({
  items: z
    .array(z.object({ itemId: ItemId, qty: Quantity }))
    .max(12)
    .refine((items) => new Set(items.map((i) => i.itemId)).size === items.length, "an item is listed twice"),
  information: z.number().int().min(0).max(1_000_000_000).default(0),
});
export type TradeSide = z.infer<typeof TradeSide>;

/** `trade {action, …}`: open with a character in say range, set one's side, confirm, cancel. */
export const TradeMessage = z.discriminatedUnion("action", [
  z.object({ action: z.literal("open"), with: z.string().min(1).max(24) }),
  z.object({ action: z.literal("set"), ...TradeSide.shape }),
  z.object({ action: z.literal("confirm") }),
  z.object({ action: z.literal("cancel") }),
]);
export type TradeMessage = z.infer<typeof TradeMessage>;

/** `team {action, …}`: invite by name (anywhere), answer the pending invite, leave, kick (leader). */
export const TeamMessage = z.discriminatedUnion("action", [
  z.object({ action: z.literal("invite"), name: z.string().min(1).max(24) }),
  z.object({ action: z.literal("accept") }),
  z.object({ action: z.literal("decline") }),
  z.object({ action: z.literal("leave") }),
  z.object({ action: z.literal("kick"), name: z.string().min(1).max(24) }),
]);
export type TeamMessage = z.infer<typeof TeamMessage>;

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
  allocate: AllocateMessage,
  equip: EquipMessage,
  unequip: UnequipMessage,
  use: UseMessage,
  buy: VendorMessage,
  sell: VendorMessage,
  trade: TradeMessage,
  team: TeamMessage,
} as const;

/** Every message type a district room accepts: the framework's and MxO's. */
export const DISTRICT_CLIENT_MESSAGES = { ...FRAMEWORK_CLIENT_MESSAGES, ...MXO_CLIENT_MESSAGES } as const;

/** Each message's payload as a client writes it (before the schema's defaults). */
export type DistrictClientMessages = {
  [K in keyof typeof DISTRICT_CLIENT_MESSAGES]: z.input<(typeof DISTRICT_CLIENT_MESSAGES)[K]>;
};
