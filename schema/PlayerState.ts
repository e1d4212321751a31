import { Schema, type } from "@colyseus/schema";
import { HEADING, POSITION_XY, POSITION_Z } from "./wireDomains.js";

/**
 * Replicated player fields (contract §3). Field definitions only: rules live in src/mxo/rules.
 * Positions and heading are quantized to 16 bits (./wireDomains.ts): the simulation keeps
 * full precision and the room copies it here once per tick.
 */
export class PlayerState extends Schema {
  @type("string") characterId = "";
  @type("string") name = "";
  @type("string") organization = "";
  @type(POSITION_XY) x = 0;
  @type(POSITION_XY) y = 0;
  @type(POSITION_Z) z = 0;
  @type(HEADING) heading = 0;
  @type("int32") hp = 0;
  @type("int32") maxHp = 0;
  @type("uint16") level = 1;
  /** The last input `seq` the server applied; predicting clients reconcile against it. */
  @type("uint32") ack = 0;
}
