import type { Client } from "@colyseus/core";
import type { AuthService } from "../../auth/AuthService.js";
import type { PermissionService } from "../../auth/PermissionService.js";
import type { GameEvents } from "../../analytics/GameEvents.js";
import type { CharacterLease } from "../../cluster/CharacterLease.js";
import type { CharacterCustody } from "../../cluster/CharacterCustody.js";
import type { RedisLink } from "../../cluster/RedisLink.js";
import type { ClusterBus } from "../../cluster/ClusterBus.js";
import type { CommandRegistry } from "../../commands/CommandRegistry.js";
import type { Config } from "../../config/config.js";
import type { DistrictCatalog } from "../../content/districts.js";
import type { LedgerService } from "../../economy/LedgerService.js";
import type { ContentDeployer } from "../../content/ContentDeployer.js";
import type { Metrics } from "../../metrics/metrics.js";
import type { CharacterStore } from "../../persistence/CharacterStore.js";
import type { LocalRooms } from "../../server/LocalRooms.js";
import type { ChatHistory } from "../../social/ChatHistory.js";
import type { Logger } from "../../util/logger.js";

/** What a district room works with: built once at boot, shared by every room of the process. */
export interface DistrictServices {
  config: Config;
  auth: AuthService;
  characters: CharacterStore;
  districts: DistrictCatalog;
  metrics: Metrics;
  log: Logger;
  lease: CharacterLease;
  rooms: LocalRooms;
  bus: ClusterBus;
  commands: CommandRegistry;
  permissions: PermissionService;
  events: GameEvents;
  chatHistory: ChatHistory;
  /** Recent lines per speaker (for `inspect`). */
  chatBySpeaker: ChatHistory;
  /** The content every room runs now, and deploys of new revisions. */
  deployer: ContentDeployer;
  ledger: LedgerService;
  /** Takes, keeps and gives up characters (leases and database claims). */
  custody: CharacterCustody;
  /** Set with REDIS_URL: whether cross-process features can run right now. */
  redis?: RedisLink | undefined;
}

/**
 * What `onAuth` hands to `onJoin` through `client.auth` (JSON: it may cross
 * processes). Not named `sessionId`: Colyseus would adopt that as the client's
 * room session id, and two joins of one login would collide.
 */
export interface DistrictAuth {
  accountId: string;
  authSessionId: string;
  username: string;
  roles: string[];
  characterId: string;
  /** The character's name and organization as onAuth found them: enough to take its lease before loading it. */
  characterName: string;
  organization: string;
  /** Chat is refused until then (epoch ms); kept current by `applyMute`. */
  mutedUntil: number | null;
  muteReason: string | null;
}

/** Listing entry for admin views (returned through `remoteRoomCall`, so plain JSON). */
export interface PlayerListing {
  characterId: string;
  name: string;
  organization: string;
  district: string;
  roomId: string;
  processId: string;
}

let services: DistrictServices | undefined;

/** Rooms are constructed by the matchmaker, so their dependencies are provided once at boot. */
export function provideDistrictServices(s: DistrictServices): void {
  services = s;
}

export function districtServices(): DistrictServices {
  if (!services) throw new Error("DistrictRoom used before provideDistrictServices()");
  return services;
}

export type DistrictClient = Client<{ auth: DistrictAuth }>;
