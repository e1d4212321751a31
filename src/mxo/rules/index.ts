/** The district game loop: one deterministic orchestrator over the rules beside it, driven by the room. See README.md. */
export {
  DistrictSimulation,
  type ContentApplyResult,
  type PlayerJoin,
  type SimulationOptions,
} from "./simulation/DistrictSimulation.js";
export type { GameEvent, GameEventKind, NpcView, PlayerView } from "./simulation/GameEvent.js";
export type { GameError, GameErrorCode, GameResult } from "./simulation/GameError.js";
export { DEFAULT_TUNING, type GameTuning } from "./simulation/GameTuning.js";
export * from "./adapters.js";
export { experienceForLevel, experienceToNext, killExperience, levelForExperience } from "./progression.js";
export { rollLoot, type LootDrop } from "./rollLoot.js";
