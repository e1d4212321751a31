import type { SeatReservation } from "@colyseus/sdk";
import type { AnnounceMessage } from "../../framework/contract/chat.js";
import type { GmResult } from "../../framework/contract/commands.js";
import type { ChatHistoryReply, ChatLine } from "./chat.js";
import type { CombatMessage } from "./combat.js";
import type { DistrictError } from "./errorCodes.js";
import type { MissionUpdate } from "./missions.js";
import type { ITEM_KINDS } from "../content/schema/item.js";
import type { CharacterStats } from "../rules/characterRules.js";

/** `loadout`: on join and after every change (ability code gained or lost too); the loaded abilities, memory and what the character has acquired. */
export interface LoadoutUpdate {
  kind: "current";
  /** Loaded ability ids, in slot order (the close-combat move comes free and is not listed). */
  abilities: string[];
  /** False while the character runs its level's starter set. */
  custom: boolean;
  memory: number;
  budget: number;
  /** Every ability the character has acquired (granted, or its code held), with whether it is loaded. */
  catalog: LoadoutAbility[];
}

export interface LoadoutAbility {
  id: string;
  name: string;
  tree: string;
  kind: string;
  target: string;
  range: number;
  /** Seconds. */
  cooldown: number;
  innerStrength: number;
  memoryCost: number;
  loaded: boolean;
  /** Whether the character's level and acquired prerequisites let it load this now. */
  loadable: boolean;
}

/**
 * `travel`: the character was saved in `district`; consume the reservation
 * (`client.consumeSeatReservation`) to arrive there, then leave this room.
 */
export interface TravelReply {
  district: string;
  reservation: SeatReservation;
}

/** `interact`: who the player talked to (a contact has a description, an NPC a template). */
export interface InteractReply {
  kind: "met";
  target: string;
  name: string;
  description?: string;
  template?: string;
}

/** `gm:metrics`: once a second to subscribed GMs, about the room and its process. */
export interface GmMetricsFigures {
  at: number;
  processId: string;
  roomId: string;
  district: string;
  players: number;
  npcs: number;
  processRooms: number;
  /** Ticks since the previous figures, with their mean and longest duration. */
  ticks: number;
  tickMeanMs: number;
  tickMaxMs: number;
  rssMb: number;
  heapUsedMb: number;
  contentRevision: number | null;
}

/** `character`: on join and after every change of level, experience, attributes or equipment (contract §7). */
export interface CharacterSheet {
  level: number;
  experience: number;
  /** Experience at which the next level is reached (null at the top level). */
  nextLevelAt: number | null;
  /** The attributes as allocated (base 5 each plus points spent). */
  stats: CharacterStats;
  unspentPoints: number;
  /** What combat uses: attributes with equipment bonuses, and the figures that follow from them. */
  derived: DerivedFigures;
}

export interface DerivedFigures {
  /** Attributes with equipment bonuses applied. */
  stats: CharacterStats;
  maxHp: number;
  maxIs: number;
  /** Hit chance of a free attack against a same-level target of standard defence (0..1). */
  accuracy: number;
  /** Multiplier on damage dealt, from the attributes (1 = none). */
  damage: number;
  defence: number;
  resistance: { melee: number; ranged: number; viral: number };
}

/** One stack in `inventory`. */
export interface InventoryEntry {
  itemId: string;
  name: string;
  qty: number;
  equipped: boolean;
  /** Where it goes when equipped: "weapon" or a clothing slot. */
  slot?: string;
  /** The content's kind, so a client offers the right action (equip, use); absent for an item content no longer has. */
  kind?: (typeof ITEM_KINDS)[number];
}

/** `inventory`: on join and after every change; what the ledger says the character holds. */
export interface InventoryUpdate {
  items: InventoryEntry[];
  information: number;
}

/** `trade`: the trade window, as each side sees it. */
export interface TradeUpdate {
  state: "open" | "updated" | "done" | "cancelled";
  /** The other trader's name. */
  with: string;
  mine: TradeOffer;
  theirs: TradeOffer;
  /** Who has confirmed the current contents. */
  confirmed: { mine: boolean; theirs: boolean };
  /** Why it was cancelled (a player's words). */
  reason?: string;
}

export interface TradeOffer {
  items: { itemId: string; name: string; qty: number }[];
  information: number;
}

/** `team`: the player's team (empty `members` when not in one), or a pending invite. */
export interface TeamUpdate {
  members: TeamMember[];
  /** An invite waiting for `team accept` / `decline`: who sent it, and how many seconds it has left. */
  invite?: { from: string; expiresIn?: number };
}

export interface TeamMember {
  name: string;
  district: string;
  level: number;
  leader: boolean;
  /** False while the member is out of the game (it stays in the team for a few minutes, src/mxo/rules/teams.ts). */
  online?: boolean;
}

/** Every server → client message of a district room, by type. */
export interface DistrictServerMessages {
  chat: ChatLine;
  announce: AnnounceMessage;
  "chat:history": ChatHistoryReply;
  combat: CombatMessage;
  mission: MissionUpdate;
  loadout: LoadoutUpdate;
  travel: TravelReply;
  interact: InteractReply;
  character: CharacterSheet;
  inventory: InventoryUpdate;
  trade: TradeUpdate;
  team: TeamUpdate;
  "gm:result": GmResult;
  "gm:metrics": GmMetricsFigures;
  error: DistrictError;
}

/**
 * The type names of DistrictServerMessages as a value, for a client that
 * registers a handler for every one (the SDK warns about a type without one).
 * A record, so tsc fails here when the interface gains or loses a type.
 */
const DISTRICT_SERVER_MESSAGE_SET: Record<keyof DistrictServerMessages, true> = {
  chat: true,
  announce: true,
  "chat:history": true,
  combat: true,
  mission: true,
  loadout: true,
  travel: true,
  interact: true,
  character: true,
  inventory: true,
  trade: true,
  team: true,
  "gm:result": true,
  "gm:metrics": true,
  error: true,
};
export const DISTRICT_SERVER_MESSAGE_TYPES = Object.keys(
  DISTRICT_SERVER_MESSAGE_SET,
) as (keyof DistrictServerMessages)[];
