import type { Command } from "../../framework/commands/Command.js";
import type { ContentPack } from "../content/ContentPack.js";
import { heal, invisible, setstat } from "./character.js";
import { itemCommands } from "./items.js";
import { despawn, spawnCommand } from "./npcs.js";

/**
 * MxO's own GM commands (contract §5), added to the framework's registry
 * beside its generic ones (teleport, kick, sanctions, announce, inspect).
 * Items and NPC templates are checked against the content running now.
 */
export function mxoCommands(content: () => ContentPack): Command<unknown>[] {
  const { give, take } = itemCommands(content);
  return [spawnCommand(content), despawn, give, take, setstat, heal, invisible] as Command<unknown>[];
}
