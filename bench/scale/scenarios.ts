/** The run's scenarios (--sizes spread over the district, then --dense in a crowd) and where each one's bots stand. */
import { benchDistrict } from "../baseline/BaselineRoom.js";
import type { Scenario } from "../lib/report.js";
import { rng } from "../lib/stats.js";
import { DENSE, DENSE_CENTER, DISTRICT, SIZES } from "./options.js";

export function scenarios(): Scenario[] {
  return [
    ...SIZES.map((n) => ({ name: `${n} spread`, clients: n, layout: "spread" as const })),
    ...(DENSE > 0 ? [{ name: `${DENSE} dense`, clients: DENSE, layout: "dense" as const }] : []),
  ];
}

/** Each bot's place, the same for every side of a scenario (seeded by its size and layout). */
export function layout(scenario: Scenario): { x: number; y: number }[] {
  const random = rng(scenario.clients * 7919 + (scenario.layout === "dense" ? 1 : 0));
  const { bounds } = benchDistrict(DISTRICT);
  const margin = 30;
  return Array.from({ length: scenario.clients }, () => {
    if (scenario.layout === "dense") {
      // Inside a disc of radius 35: with a lap circle of ~10 units everyone stays within 100 of everyone.
      const r = 35 * Math.sqrt(random());
      const a = random() * 2 * Math.PI;
      return { x: DENSE_CENTER.x + r * Math.cos(a), y: DENSE_CENTER.y + r * Math.sin(a) };
    }
    return {
      x: bounds.minX + margin + random() * (bounds.maxX - bounds.minX - 2 * margin),
      y: bounds.minY + margin + random() * (bounds.maxY - bounds.minY - 2 * margin),
    };
  });
}
