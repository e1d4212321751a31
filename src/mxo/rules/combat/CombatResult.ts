import type { CombatError } from "./CombatError.js";
import type { CombatEvent } from "./CombatEvent.js";

/** Either the events a request caused, or why it was refused (and then nothing changed). */
export type CombatResult = { ok: true; events: CombatEvent[] } | { ok: false; error: CombatError };

export const refuse = (error: CombatError): CombatResult => ({ ok: false, error });
