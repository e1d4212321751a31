import { Schema, type } from "@colyseus/schema";

/** Replicated player fields (contract §3). Field definitions only: rules live in src/sim. */
export class PlayerState extends Schema {
  @type("string") characterId = "";
  @type("string") name = "";
  @type("string") organization = "";
  @type("float32") x = 0;
  @type("float32") y = 0;
  @type("float32") z = 0;
  @type("float32") heading = 0;
  @type("int32") hp = 0;
  @type("int32") maxHp = 0;
  @type("uint16") level = 1;
  /** The last input `seq` the server applied; predicting clients reconcile against it. */
  @type("uint32") ack = 0;
}
