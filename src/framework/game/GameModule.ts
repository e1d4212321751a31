import type { Presence, RegisteredHandler } from "@colyseus/core";
import type { z } from "zod";
import type { GameEvents } from "../analytics/GameEvents.js";
import type { ClusterBus } from "../cluster/ClusterBus.js";
import type { Command } from "../commands/Command.js";
import type { Config } from "../config/config.js";
import type { LedgerService } from "../economy/LedgerService.js";
import type { Metrics } from "../metrics/metrics.js";
import type { LocalRooms } from "../server/LocalRooms.js";
import type { ChatHistory } from "../social/ChatHistory.js";
import type { Logger } from "../util/logger.js";
import type { Stores } from "../persistence/ports/Stores.js";
import type { ZoneCatalog } from "../zone/ZoneCatalog.js";
import type { GameContent } from "./GameContent.js";
import type { StartingCharacter } from "../persistence/CharacterService.js";

/** What the framework has built when it asks a game to start: use these, never build a second one. */
export interface GameKit {
  config: Config;
  log: Logger;
  metrics: Metrics;
  /** The persistence ports, on PostgreSQL or the embedded database. */
  stores: Stores;
  presence: Presence;
  bus: ClusterBus;
  /** The zone rooms of this process (content deploys and process-wide actions reach them here). */
  rooms: LocalRooms;
  events: GameEvents;
  ledger: LedgerService;
  /** Recent lines per speaker, which the framework's `inspect` shows. */
  chatBySpeaker: ChatHistory;
}

/** How a new character starts: the organizations a player may pick, where and with what it appears. */
export interface CharacterRules {
  organizations: readonly [string, ...string[]];
  defaultOrganization: string;
  start(organization: string): StartingCharacter;
}

/** What a game adds to the framework once it has started. */
export interface Game {
  /** Its rooms by name, as Colyseus defines them (a zone room each). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each room has its own class
  rooms: Record<string, RegisteredHandler<any>>;
  /** Its zones, as the framework's GM commands see them (teleport, summon). */
  zones: ZoneCatalog;
  /** Its own commands, run by the one registry beside the framework's. */
  commands?: Command<unknown>[];
  /** What its rooms work with beyond every zone's services (read back through `zoneServices()`). */
  services?: Record<string, unknown>;
  characters: CharacterRules;
  /** Content with revisions and hot deploys, if the game has it (`/content` routes, `content.*` commands). */
  content?: GameContent;
  /** A public read-only route describing the running world to clients (MxO: `GET /api/v1/districts`). */
  worldInfo?: WorldInfo;
  /**
   * The options each room is joined with (`client.joinOrCreate(name, options)`), by room name:
   * the schema its `onAuth` checks them with, which the OpenAPI document shows for `POST /matchmake/…`.
   */
  joinOptions?: Record<string, z.ZodType>;
}

/** A game's public description of its world: the route, and the schema of what `read` answers. */
export interface WorldInfo<S extends z.ZodType = z.ZodType> {
  path: string;
  summary: string;
  response: S;
  read(): z.input<S>;
}

/**
 * A game built on the framework (MxO is one; examples/tag another): started
 * once per process, after the framework's services exist and before it
 * listens. Everything else — the HTTP surface, accounts, the command
 * registry and audit, custody of characters, drain — is the framework's.
 */
export interface GameModule {
  /** Names the game in the start line. */
  name: string;
  start(kit: GameKit): Promise<Game> | Game;
}
