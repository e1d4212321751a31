/**
 * Hardline travel: a character jacks out at a hardline and in at another.
 * Pure: which hardline of the target a `travel` names, and where around it
 * the traveller appears.
 */

export interface TravelHardline {
  id: string;
  name: string;
  x: number;
  y: number;
  z: number;
  arrival: boolean;
}

export interface TravelDistrict {
  hardlines: readonly TravelHardline[];
  arrivalRadius: number;
  bounds: { minX: number; minY: number; maxX: number; maxY: number };
}

/**
 * The hardline of `district` that `named` names — by id, or by name without
 * regard to case — or its arrival one when none is named; undefined when the
 * name matches none.
 */
export function findHardline(district: TravelDistrict, named?: string): TravelHardline | undefined {
  if (named === undefined) return district.hardlines.find((h) => h.arrival);
  const wanted = named.trim().toLowerCase();
  return district.hardlines.find((h) => h.id === named || h.name.toLowerCase() === wanted);
}

/**
 * Where a traveller to that hardline appears: within the district's arrival
 * radius of it (so travellers do not stack on one point), inside the bounds.
 */
export function hardlineArrival(
  district: TravelDistrict,
  named?: string,
  random: () => number = Math.random,
): { x: number; y: number; z: number } | undefined {
  const h = findHardline(district, named);
  if (!h) return undefined;
  const angle = random() * Math.PI * 2;
  const r = random() * district.arrivalRadius;
  const { minX, minY, maxX, maxY } = district.bounds;
  return {
    x: Math.min(maxX, Math.max(minX, h.x + Math.cos(angle) * r)),
    y: Math.min(maxY, Math.max(minY, h.y + Math.sin(angle) * r)),
    z: h.z,
  };
}
