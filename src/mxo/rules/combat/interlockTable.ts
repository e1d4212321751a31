import type { InterlockAction } from "./config.js";

/**
 * The tactics triangle: a power strike stops a grab, a grab (throw) goes through
 * a block, a block stops a power strike. `quick` sits outside the triangle: it
 * never wins or loses on the table, so it always comes down to the rolls, and it
 * is the only action that can daze. `withdraw` is not an attack at all.
 */
const BEATS: Readonly<Partial<Record<InterlockAction, InterlockAction>>> = {
  power: "grab",
  grab: "block",
  block: "power",
};

export function beats(mine: InterlockAction, theirs: InterlockAction): boolean {
  return BEATS[mine] === theirs;
}
