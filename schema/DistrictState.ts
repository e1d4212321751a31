import { MapSchema, Schema, type, view } from "@colyseus/schema";
import { NpcState } from "./NpcState.js";
import { PlayerState } from "./PlayerState.js";

export class DistrictState extends Schema {
  @type("string") district = "";
  @type("uint32") tick = 0;
  /** Per-client: each client receives only the players its interest view holds (src/framework/aoi). */
  @view() @type({ map: PlayerState }) players = new MapSchema<PlayerState>();
  /** NPCs, filtered the same way as players. */
  @view() @type({ map: NpcState }) npcs = new MapSchema<NpcState>();
}
