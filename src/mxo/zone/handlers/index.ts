import { allocate } from "./allocate.js";
import { chat, chatHistory } from "./chat.js";
import { ability, interlock } from "./combat.js";
import { equip, unequip } from "./equip.js";
import { gm, gmMetrics } from "./gm.js";
import { interact } from "./interact.js";
import { loadout } from "./loadout.js";
import type { MessageHandler } from "./MessageHandler.js";
import { mission } from "./mission.js";
import { team } from "./team.js";
import { trade } from "./trade.js";
import { travel } from "./travel.js";
import { use } from "./use.js";
import { buy, sell } from "./vendors.js";

export type { MessageHandler } from "./MessageHandler.js";
export { loadoutMessage } from "./loadout.js";

/** Every client message a district room answers (contract §3), one module each. */
export const DISTRICT_HANDLERS: readonly MessageHandler[] = [
  chat,
  chatHistory,
  travel,
  ability,
  interlock,
  mission,
  loadout,
  interact,
  gm,
  gmMetrics,
  allocate,
  equip,
  unequip,
  use,
  buy,
  sell,
  team,
  trade,
];
