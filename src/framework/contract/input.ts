/**
 * One movement input, as the client writes it into `room.input()` (the room's
 * input channel, not a message) and the server's `MoveInput` schema
 * (schema/MoveInput.ts) decodes it. `seq` counts up per input; the server
 * echoes the last one it applied in the player's `ack`. (moveX, moveY) is a
 * direction of length ≤ 1: longer is clamped, NaN or infinite ignored.
 */
export interface MoveInputData {
  seq: number;
  moveX: number;
  moveY: number;
}
