import { Schema, type } from "@colyseus/schema";

/** Replicated NPC fields (contract §3). */
export class NpcState extends Schema {
  @type("string") template = "";
  @type("string") name = "";
  @type("float32") x = 0;
  @type("float32") y = 0;
  @type("float32") z = 0;
  @type("int32") hp = 0;
  @type("int32") maxHp = 0;
}
