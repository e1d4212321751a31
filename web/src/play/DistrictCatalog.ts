import { ApiError, request } from "../shared/http.js";
import { parseVendor, type Vendor } from "./vendorView.js";

export interface Bounds {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export interface Hardline {
  id: string;
  name: string;
  x: number;
  y: number;
  arrival: boolean;
}

export interface DistrictInfo {
  id: string;
  name: string;
  /** Undefined when the server does not publish geography: prediction then runs unclamped. */
  bounds?: Bounds;
  moveSpeed: number;
  hardlines: Hardline[];
  /** NPC vendors (contract §7); empty when the server lists none. */
  vendors: Vendor[];
}

/**
 * Contract §3: the four districts every server has, and the default walking
 * speed. Used only when the server does not publish its districts (see
 * `loadDistricts`), so travel still offers somewhere to go.
 */
const CONTRACT_DISTRICTS = ["richland", "westview", "international", "downtown"];
export const DEFAULT_MOVE_SPEED = 6;

/** The route that publishes district geography from the running content pack. */
export const DISTRICTS_ROUTE = "/api/v1/districts";

export interface DistrictCatalog {
  districts: DistrictInfo[];
  /** False when the server had no districts route: no hardlines or bounds to draw. */
  published: boolean;
  get(id: string): DistrictInfo;
}

/**
 * Districts with their bounds, speed and hardlines, from `GET /api/v1/districts`.
 * A server without that route still gets a working client: travel offers the
 * contract's districts, movement is predicted at the default speed without
 * bounds (the server's reconciliation corrects the rest), and the map draws
 * what the room state gives.
 */
export async function loadDistricts(): Promise<DistrictCatalog> {
  let districts: DistrictInfo[] | undefined;
  try {
    const { body } = await request<{ districts: (DistrictInfo & { vendors?: unknown[] })[] }>(
      DISTRICTS_ROUTE,
    );
    districts = body.districts.map((d) => ({
      id: d.id,
      name: d.name,
      bounds: d.bounds,
      moveSpeed: d.moveSpeed ?? DEFAULT_MOVE_SPEED,
      hardlines: (d.hardlines ?? []).map((hl) => ({
        id: hl.id,
        name: hl.name,
        x: hl.x,
        y: hl.y,
        arrival: Boolean(hl.arrival),
      })),
      vendors: (d.vendors ?? []).flatMap((v) => parseVendor(v) ?? []),
    }));
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 404) throw err;
  }
  const published = districts !== undefined;
  const list = districts ?? CONTRACT_DISTRICTS.map(unpublished);
  return {
    districts: list,
    published,
    get: (id) => list.find((d) => d.id === id) ?? unpublished(id),
  };
}

function unpublished(id: string): DistrictInfo {
  return {
    id,
    name: id.charAt(0).toUpperCase() + id.slice(1),
    moveSpeed: DEFAULT_MOVE_SPEED,
    hardlines: [],
    vendors: [],
  };
}
