import { defineRoom } from "@colyseus/core";
import { DistrictRoom } from "../../rooms/DistrictRoom.js";
import { ContentDeployer } from "./content/ContentDeployer.js";
import { ContentRevisions } from "./content/ContentRevisions.js";
import { DistrictCatalog } from "./content/districts.js";
import { loadContentPack } from "./content/loadContentPack.js";
import type { Game, GameKit, GameModule } from "../framework/game/GameModule.js";
import { ChatHistory } from "../framework/social/ChatHistory.js";
import { mxoCommands } from "./commands/index.js";
import { maxHealth, ORGANIZATIONS, STARTING_DISTRICT, STARTING_STATS } from "./rules/characterRules.js";
import type { DistrictServices } from "./zone/DistrictServices.js";
import { worldInfo, WorldInfoBody } from "./worldInfo.js";
import { JoinOptions } from "./contract/clientMessages.js";

/**
 * The Matrix Online as a game module: its content pack (validated whole at
 * start; a revision deployed through the admin API wins over the pack on
 * disk), its districts as `district` rooms, its GM commands, and how a new
 * redpill starts.
 */
export const mxoGame: GameModule = {
  name: "mxo",
  async start(kit: GameKit): Promise<Game> {
    const fromDisk = loadContentPack(kit.config.contentDir);
    const revisions = new ContentRevisions(kit.stores.contentRevisions);
    const initial = await ContentDeployer.initial(revisions, fromDisk);
    const districts = DistrictCatalog.fromPack(initial.pack);
    const deployer = new ContentDeployer(revisions, kit.bus, kit.rooms, kit.log, initial);
    const services: Omit<DistrictServices, keyof import("../framework/zone/ZoneServices.js").ZoneServices> = {
      districts,
      deployer,
      ledger: kit.ledger,
      chatHistory: new ChatHistory(kit.presence),
      chatBySpeaker: kit.chatBySpeaker,
    };
    return {
      rooms: { district: defineRoom(DistrictRoom).filterBy(["district"]) },
      zones: districts,
      commands: mxoCommands(() => deployer.pack),
      services,
      content: deployer,
      worldInfo: {
        path: "/api/v1/districts",
        summary: "The districts of the running content: bounds, hardlines, contacts and missions",
        response: WorldInfoBody,
        read: () => worldInfo(deployer.revision, deployer.pack),
      },
      joinOptions: { district: JoinOptions },
      characters: {
        organizations: ORGANIZATIONS,
        defaultOrganization: "zion",
        start() {
          const district = districts.get(STARTING_DISTRICT) ? STARTING_DISTRICT : districts.ids()[0]!;
          const at = districts.arrivalPoint(district);
          const stats = { ...STARTING_STATS };
          const hp = maxHealth(stats, 1);
          return { district, ...at, heading: 0, level: 1, experience: 0, hp, maxHp: hp, stats };
        },
      },
    };
  },
};
