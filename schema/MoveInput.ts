import { Schema, type } from "@colyseus/schema";

/**
 * One movement intent per client tick, sent through the room's input channel
 * (`room.input()` on the SDK). Flat primitives only, as the input encoder needs.
 */
export class MoveInput extends Schema {
  @type("uint32") seq = 0;
  @type("float32") moveX = 0;
  @type("float32") moveY = 0;
}
