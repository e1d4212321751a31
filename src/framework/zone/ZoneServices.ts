import type { Client } from "@colyseus/core";
import type { AuthService } from "../auth/AuthService.js";
import type { PermissionService } from "../auth/PermissionService.js";
import type { GameEvents } from "../analytics/GameEvents.js";
import type { CharacterCustody } from "../cluster/CharacterCustody.js";
import type { CharacterLease } from "../cluster/CharacterLease.js";
import type { ClusterBus } from "../cluster/ClusterBus.js";
import type { RedisLink } from "../cluster/RedisLink.js";
import type { CommandRegistry } from "../commands/CommandRegistry.js";
import type { Config } from "../config/config.js";
import type { Metrics } from "../metrics/metrics.js";
import type { CharacterStore } from "../persistence/CharacterStore.js";
import type { LocalRooms } from "../server/LocalRooms.js";
import type { Logger } from "../util/logger.js";

/** What every zone room works with, whatever the game: built once at boot, shared by the process's rooms. */
export interface ZoneServices {
  config: Config;
  auth: AuthService;
  characters: CharacterStore;
  metrics: Metrics;
  log: Logger;
  lease: CharacterLease;
  rooms: LocalRooms;
  bus: ClusterBus;
  commands: CommandRegistry;
  permissions: PermissionService;
  events: GameEvents;
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
export interface ZoneAuth {
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
  /** The trace the join belongs to (W3C traceparent), carried to the process that seats it; set while tracing is on. */
  traceparent?: string | undefined;
}

export type ZoneClient = Client<{ auth: ZoneAuth }>;

let services: ZoneServices | undefined;

/** Rooms are constructed by the matchmaker, so their dependencies are provided once at boot. */
export function provideZoneServices(s: ZoneServices): void {
  services = s;
}

export function zoneServices(): ZoneServices {
  if (!services) throw new Error("a zone room was created before provideZoneServices()");
  return services;
}
