import { Schema, type } from "@colyseus/schema";
import { POSITION_XY, POSITION_Z } from "./wireDomains.js";

/** Replicated NPC fields (contract §3); positions quantized like players' (./wireDomains.ts). */
export class NpcState extends Schema {
  @type("string") template = "";
  @type("string") name = "";
  @type(POSITION_XY) x = 0;
  @type(POSITION_XY) y = 0;
  @type(POSITION_Z) z = 0;
  @type("int32") hp = 0;
  @type("int32") maxHp = 0;
}
