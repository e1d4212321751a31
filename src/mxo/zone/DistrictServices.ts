import type { DistrictCatalog } from "../content/districts.js";
import type { LedgerService } from "../../framework/economy/LedgerService.js";
import type { ContentDeployer } from "../content/ContentDeployer.js";
import type { ChatHistory } from "../../framework/social/ChatHistory.js";
import {
  provideZoneServices,
  zoneServices,
  type ZoneAuth,
  type ZoneClient,
  type ZoneServices,
} from "../../framework/zone/ZoneServices.js";

export type { PlayerListing } from "../../framework/zone/ZoneMembers.js";

/** What a district room works with beyond every zone's services: MxO's content, chat history, ledger. */
export interface DistrictServices extends ZoneServices {
  districts: DistrictCatalog;
  chatHistory: ChatHistory;
  /** Recent lines per speaker (for `inspect`). */
  chatBySpeaker: ChatHistory;
  /** The content every room runs now, and deploys of new revisions. */
  deployer: ContentDeployer;
  ledger: LedgerService;
}

export type DistrictAuth = ZoneAuth;
export type DistrictClient = ZoneClient;

/** Rooms are constructed by the matchmaker, so their dependencies are provided once at boot. */
export function provideDistrictServices(s: DistrictServices): void {
  provideZoneServices(s);
}

export function districtServices(): DistrictServices {
  return zoneServices() as DistrictServices;
}
