import type { GameEventKind } from "../../framework/analytics/GameEvents.js";
import type { ContentPack } from "../content/ContentPack.js";
import type { DistrictDef } from "../content/districts.js";
import type { DistrictSimulation } from "../rules/simulation/DistrictSimulation.js";
import type { MissionState } from "../rules/missions/types.js";
import type { Reputation } from "../rules/missions/reputation.js";
import type { CharacterStats } from "../rules/characterRules.js";
import type { DistrictState } from "../../../schema/DistrictState.js";
import type { Point3 } from "../../framework/gm/GmOp.js";
import type { ZoneMember, ZoneMembers } from "../../framework/zone/ZoneMembers.js";
import type { DistrictClient, DistrictServices } from "./DistrictServices.js";
import type { GmMetricsStream } from "./GmMetricsStream.js";
import type { Holdings, InventoryDesk } from "./InventoryDesk.js";
import type { MissionDesk } from "./MissionDesk.js";
import type { TradeDesk } from "./TradeDesk.js";
import type { DistrictTeams } from "./teams/DistrictTeams.js";

/** Who plays here: what persistence needs that the simulation does not model. */
export interface Member extends ZoneMember {
  stats: CharacterStats;
  missions: MissionState;
  reputation: Reputation;
  /** A GM hidden from every other player (`invisible on`). */
  invisible: boolean;
  /** Missions whose items are being handed in (a ledger call is under way). */
  turningIn: Set<string>;
  /** Equipped items: slot ("weapon" or a clothing slot) → item id; saved in the character's game data. */
  equipment: Record<string, string>;
  /**
   * Ability code the character has acquired (bought, rewarded, looted); saved
   * in the character's game data. Null for a character stored before ability
   * code existed, until the rules settle what it keeps.
   */
  abilities: string[] | null;
  /** What the ledger last said the character holds; undefined until the first reading (InventoryDesk). */
  holdings: Holdings | undefined;
}

/**
 * What a district's message handlers, event effects and missions work with:
 * the room's running world and the ways to answer its players. The room
 * implements it; nothing here is a socket or a database handle.
 */
export interface DistrictContext {
  readonly roomId: string;
  readonly def: DistrictDef;
  /** The content pack this room runs now (a deploy swaps it at a tick boundary). */
  readonly content: ContentPack;
  readonly contentRevision: number | null;
  readonly sim: DistrictSimulation;
  readonly state: DistrictState;
  readonly services: DistrictServices;
  readonly members: ZoneMembers<Member>;
  /** True once the room is being shut down (drain): no travel out of it. */
  readonly disposing: boolean;
  client(sessionId: string): DistrictClient | undefined;
  /** Every client connected to this room now. */
  connected(): Iterable<DistrictClient>;
  /** Sends `error {code, message}` to one client. */
  error(client: DistrictClient, code: string, message: string): void;
  /** Sends a message to each of these sessions (once each) that is connected. */
  tell(sessionIds: Iterable<string>, type: string, message: unknown): void;
  /** Hands the player's state to the write-behind store. */
  saveLater(sessionId: string): void;
  /** One analytics event about a player here (buffered, never awaited). */
  analytics(sessionId: string, kind: GameEventKind, amount?: number, data?: Record<string, unknown>): void;
  /** Where this client saw an entity (lag compensation for ranged shots). */
  seenBy(client: DistrictClient, entityId: string): { x: number; y: number } | undefined;
  /** True while a player's travel out of this room is under way. */
  isTraveling(sessionId: string): boolean;
  /** Missions of the players here: progress, completion, rewards, escorts. */
  readonly missions: MissionDesk;
  /** The players' inventories: the ledger's last reading, refreshed after every change. */
  readonly inventory: InventoryDesk;
  /** Player trade windows here and their swaps through the ledger. */
  readonly trades: TradeDesk;
  /** Equipment changed (equipped, unequipped, or an item taken away): combat and the sheet follow. */
  equipmentChanged(sessionId: string): void;
  /** GMs subscribed to the once-a-second figures of this room. */
  readonly gmMetrics: GmMetricsStream;
  /** Teams of the players here: the shared roster, teammates nearby for shared credit. */
  readonly teams: DistrictTeams;
  /** Moves a player to another district (at its arrival hardline, or `at`); throws on failure. */
  sendTo(client: DistrictClient, district: string, at?: Point3): Promise<void>;
}
