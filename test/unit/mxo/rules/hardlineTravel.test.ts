import assert from "node:assert/strict";
import {
  findHardline,
  hardlineArrival,
  type TravelDistrict,
} from "../../../../src/mxo/rules/hardlineTravel.js";

const D: TravelDistrict = {
  hardlines: [
    { id: "wv-tabor-park", name: "Tabor Park", x: 1300, y: 1300, z: 0, arrival: true },
    { id: "wv-edgewater", name: "Edgewater", x: 400, y: 2100, z: 2, arrival: false },
  ],
  arrivalRadius: 4,
  bounds: { minX: 0, minY: 0, maxX: 2600, maxY: 2600 },
};

describe("hardline travel rules", () => {
  it("names a hardline by id or name (any case); none named is the arrival one; an unknown name is none", () => {
    assert.equal(findHardline(D)?.id, "wv-tabor-park");
    assert.equal(findHardline(D, "wv-edgewater")?.id, "wv-edgewater");
    assert.equal(findHardline(D, "edgewater")?.id, "wv-edgewater");
    assert.equal(findHardline(D, "Mara Central"), undefined);
  });

  it("arrives within the arrival radius of that hardline, at its altitude", () => {
    for (const r of [0, 0.3, 0.99]) {
      const at = hardlineArrival(D, "Edgewater", () => r)!;
      assert.ok(Math.hypot(at.x - 400, at.y - 2100) <= 4 + 1e-9);
      assert.equal(at.z, 2);
    }
    assert.equal(hardlineArrival(D, "nowhere"), undefined);
  });
});
