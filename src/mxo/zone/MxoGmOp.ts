import type { GmWorld } from "../../framework/gm/GmWorld.js";
import type { GmOp, GmOpResults, InspectCore, Point3 } from "../../framework/gm/GmOp.js";
import type { DerivedFigures } from "../contract/serverMessages.js";
import type { CharacterStats } from "../rules/characterRules.js";
import type { Reputation } from "../rules/missions/reputation.js";
import type { MissionState } from "../rules/missions/types.js";
import type { GmStat } from "../rules/simulation/DistrictSimulation.js";

/** MxO's GM operations beside the framework's: what its own commands ask of a district room. */
export type MxoGmOp =
  | GmOp
  | { op: "heal"; characterId: string }
  | { op: "setstat"; characterId: string; stat: GmStat; value: number }
  | { op: "invisible"; characterId: string; on: boolean }
  /** The character's items or Information changed outside the room (a GM give or take): read them again. */
  | { op: "inventory"; characterId: string }
  | { op: "spawn"; template: string; count: number; at: Point3 }
  | { op: "despawn"; npcId: string };

/** What a district's `inspect` reports (the recent chat is added by the command). */
export interface InspectReport extends InspectCore {
  hp: number;
  maxHp: number;
  level: number;
  experience: number;
  stats: CharacterStats;
  missions: MissionState;
  reputation: Reputation;
  invisible: boolean;
  /** Equipped items, slot → item id. */
  equipment: Record<string, string>;
  unspentPoints: number;
  /** The figures combat uses (attributes with equipment, max HP and IS, accuracy, damage, defence, resistances). */
  derived: DerivedFigures;
  /** The character's team by names (its leader and members), null when it is in none. */
  team?: { leader: string; members: string[] } | null;
}

export interface MxoGmOpResults extends Omit<GmOpResults, "inspect"> {
  inspect: InspectReport;
  heal: { hpBefore: number; hp: number };
  setstat: { previous: number; value: number };
  invisible: { previous: boolean };
  inventory: { refreshed: true };
  spawn: { npcIds: string[] };
  despawn: { template: string };
}

export type MxoGmOpResult<O extends MxoGmOp> = MxoGmOpResults[O["op"]];

/** `GmWorld.act` for MxO's operations, typed by operation. */
export function actMxo<O extends MxoGmOp>(world: GmWorld, roomId: string, op: O): Promise<MxoGmOpResult<O>> {
  return world.act(roomId, op) as Promise<MxoGmOpResult<O>>;
}
