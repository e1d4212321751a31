export interface Point3 {
  x: number;
  y: number;
  z: number;
}

/**
 * What the framework's GM commands ask of the zone room that holds their
 * target. Plain JSON: it crosses processes through presence
 * (`matchMaker.remoteRoomCall` → `ZoneRoom.gmAct`). A game adds its own
 * operations beside these (MxO: src/mxo/zone/MxoGmOp.ts), or names one with
 * `game` (examples/tag: `tagit`).
 */
export type GmOp =
  | { op: "where"; characterId: string }
  | { op: "teleport"; characterId: string; to: Point3 }
  /** Sends the character to another zone (server-side travel), to `to` or its arrival point. */
  | { op: "send"; characterId: string; district: string; to?: Point3 | undefined }
  | { op: "kick"; characterId: string; reason: string }
  | { op: "inspect"; characterId: string }
  /** A game's own operation, by name; the game's room decides what it means. */
  | { op: "game"; name: string; characterId?: string | undefined; args?: string[] | undefined };

/** What every game's `inspect` reports of a player in play; a game adds its own fields. */
export interface InspectCore {
  characterId: string;
  name: string;
  organization: string;
  district: string;
  roomId: string;
  position: Point3;
}

export interface GmOpResults {
  where: { district: string; roomId: string; position: Point3 };
  teleport: { from: Point3; to: Point3; district: string };
  send: { from: Point3; fromDistrict: string; district: string };
  kick: { closed: boolean };
  inspect: InspectCore & Record<string, unknown>;
  game: unknown;
}

export type GmOpResult<O extends GmOp> = GmOpResults[O["op"]];
