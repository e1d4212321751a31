import type { Command } from "./Command.js";
import { announce } from "./announce.js";
import { inspect, kick } from "./player.js";
import { ban, mute, unban, unmute } from "./sanctions.js";
import { summon, teleport } from "./teleport.js";

/**
 * The GM commands every game gets (contract §5, in its order): they act on
 * characters, accounts and zones through the GM world and the zone rooms'
 * GM operations, whatever the game. A game registers its own beside them.
 */
export const FRAMEWORK_COMMANDS = [
  teleport,
  summon,
  kick,
  ban,
  unban,
  mute,
  unmute,
  announce,
  inspect,
] as Command<unknown>[];
