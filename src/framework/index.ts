/**
 * The framework's public entry: everything a game built on mxo-server uses.
 * A game imports from here only (examples/tag shows how), never from the
 * modules behind it, so they can move without breaking games.
 */
export * from "./contract/index.js";
export {
  headingOf,
  sanitizeIntent,
  stepMovement,
  type Bounds,
  type Kinematics,
  type MoveIntent,
} from "./movement.js";
export { ZoneRoom } from "./zone/ZoneRoom.js";
export type { ZoneHandler } from "./zone/ZoneHandler.js";
export type { ZoneWorld } from "./zone/ZoneWorld.js";
export { zoneLease, type PlayerListing, type ZoneMember } from "./zone/ZoneMembers.js";
export { authorizeZoneJoin } from "./zone/authorizeZoneJoin.js";
export { zoneServices, type ZoneAuth, type ZoneClient, type ZoneServices } from "./zone/ZoneServices.js";
export { MoveInput } from "../../schema/MoveInput.js";
export type { Character, GameData, GameDataValue } from "../../entities/Character.js";
export type { CharacterSnapshot } from "./persistence/CharacterStore.js";
export type { GmOp, GmOpResults, Point3 } from "./gm/GmOp.js";
export { AppError } from "./util/errors.js";
export { refusal, type Command, type CommandContext, type CommandResult } from "./commands/Command.js";
export { characterTarget, oneTarget, positional } from "./commands/args.js";
export type { CharacterRules, Game, GameKit, GameModule } from "./game/GameModule.js";
export type { ZoneCatalog } from "./zone/ZoneCatalog.js";
export type { StartingCharacter } from "./persistence/CharacterService.js";
export { startServer, type RunningServer } from "./server/startServer.js";
export { runGame } from "./server/runGame.js";
