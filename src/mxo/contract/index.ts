/**
 * MxO's wire contract: what a district room accepts (schemas), sends
 * (payload types), replicates, and refuses with. The framework's part
 * (close codes, `gm`, `gm:result`, `error`, the movement input) is in
 * src/framework/contract. Browser code imports the files it needs, types with
 * `import type`.
 */
export type * from "./characters.js";
export * from "./chat.js";
export * from "./clientMessages.js";
export type * from "./combat.js";
export * from "./errorCodes.js";
export type * from "./missions.js";
export type * from "./replicated.js";
export type * from "./serverMessages.js";
