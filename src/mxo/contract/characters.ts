/**
 * `GET /characters` and `POST /characters`: one of the account's characters,
 * as the character screen lists it (the framework's roster entry).
 */
export type { RosterEntry as CharacterSummary } from "../../framework/persistence/ports/CharacterRosterStore.js";
