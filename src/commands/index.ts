import type { Command } from "./Command.js";
import { announce } from "./announce.js";
import { give, take } from "./items.js";
import { despawn, spawn } from "./npcs.js";
import { heal, inspect, invisible, kick, setstat } from "./player.js";
import { ban, mute, unban, unmute } from "./sanctions.js";
import { summon, teleport } from "./teleport.js";

/** Contract §5, in its order. */
export const ALL_COMMANDS = [
  teleport,
  summon,
  spawn,
  despawn,
  give,
  take,
  kick,
  ban,
  unban,
  mute,
  unmute,
  announce,
  inspect,
  setstat,
  heal,
  invisible,
] as Command<unknown>[];
