/** The district game loop: one deterministic orchestrator over src/sim, driven by the room. See README.md. */
export {
  DistrictSimulation,
  type ContentApplyResult,
  type PlayerJoin,
  type SimulationOptions,
} from "./DistrictSimulation.js";
export type { GameEvent, GameEventKind, NpcView, PlayerView } from "./GameEvent.js";
export type { GameError, GameErrorCode, GameResult } from "./GameError.js";
export { DEFAULT_TUNING, type GameTuning } from "./GameTuning.js";
export * from "./adapters.js";
export { experienceForLevel, experienceToNext, killExperience, levelForExperience } from "./progression.js";
export { rollLoot, type LootDrop } from "./rollLoot.js";
