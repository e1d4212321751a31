import type { MoveInputData } from "../contract/input.js";

/**
 * A game's world as a zone room steps it: pure (no socket, storage or
 * Colyseus), so a unit test can step it alone. The room hands it each
 * player's movement input, steps it at the fixed rate, and carries out what
 * the step returns (messages, saves, grants).
 */
export interface ZoneWorld<E> {
  /** A player's movement input for the coming steps (invalid ones are ignored). */
  input(playerId: string, input: MoveInputData): void;
  /** One fixed step of `dt` seconds; returns what happened in it. */
  step(dt: number): readonly E[];
}
