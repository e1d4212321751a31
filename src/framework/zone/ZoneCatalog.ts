import type { Point3 } from "../gm/GmOp.js";

/**
 * The zones a game has, as the framework's commands see them: which exist,
 * and where a character arriving in one appears (a teleport without
 * coordinates, a summon across zones). MxO's DistrictCatalog is one.
 */
export interface ZoneCatalog {
  get(id: string): unknown;
  ids(): string[];
  arrivalPoint(id: string): Point3;
}
