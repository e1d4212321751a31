import type { CharacterStats } from "../mxo/rules/characterRules.js";
import type { GmStat } from "../mxo/rules/simulation/DistrictSimulation.js";
import type { ChatLine } from "../cluster/ClusterBus.js";
import type { MissionState } from "../mxo/rules/missions/types.js";
import type { Reputation } from "../mxo/rules/missions/reputation.js";

export interface Point3 {
  x: number;
  y: number;
  z: number;
}

/**
 * What a GM command asks of the room that holds its target. Plain JSON: it
 * crosses processes through presence (`matchMaker.remoteRoomCall`).
 */
export type GmOp =
  | { op: "where"; characterId: string }
  | { op: "teleport"; characterId: string; to: Point3 }
  /** Sends the character to another district (server-side travel), to `to` or its arrival hardline. */
  | { op: "send"; characterId: string; district: string; to?: Point3 | undefined }
  | { op: "kick"; characterId: string; reason: string }
  | { op: "heal"; characterId: string }
  | { op: "setstat"; characterId: string; stat: GmStat; value: number }
  | { op: "inspect"; characterId: string }
  | { op: "invisible"; characterId: string; on: boolean }
  | { op: "spawn"; template: string; count: number; at: Point3 }
  | { op: "despawn"; npcId: string }
  /** A game's own operation (examples/tag: `tagit`), by name; the game's room decides what it means. */
  | { op: "game"; name: string; characterId?: string | undefined; args?: string[] | undefined };

export interface InspectReport {
  characterId: string;
  name: string;
  organization: string;
  district: string;
  roomId: string;
  position: Point3;
  hp: number;
  maxHp: number;
  level: number;
  experience: number;
  stats: CharacterStats;
  missions: MissionState;
  reputation: Reputation;
  invisible: boolean;
  recentChat: ChatLine[];
}

export interface GmOpResults {
  where: { district: string; roomId: string; position: Point3 };
  teleport: { from: Point3; to: Point3; district: string };
  send: { from: Point3; fromDistrict: string; district: string };
  kick: { closed: boolean };
  heal: { hpBefore: number; hp: number };
  setstat: { previous: number; value: number };
  inspect: Omit<InspectReport, "recentChat">;
  invisible: { previous: boolean };
  spawn: { npcIds: string[] };
  despawn: { template: string };
  game: unknown;
}

export type GmOpResult<O extends GmOp> = GmOpResults[O["op"]];
