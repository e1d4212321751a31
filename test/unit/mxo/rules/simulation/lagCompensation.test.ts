import assert from "node:assert/strict";
import { assertOk, assertRefused, district, join, sim } from "./helpers.js";

/** Two players on an empty patch of a PvP Richland, 40 units apart (a-shot reaches 30, a-strike 3). */
function duel() {
  const s = sim({ ...district("richland"), pvp: true });
  s.addPlayer(join("shooter", 200, 200));
  s.addPlayer(join("target", 240, 200));
  s.step();
  return s;
}

describe("game: lag-compensated ranged attacks", () => {
  it("a shot is judged where the shooter saw the target, not where it is now", () => {
    const s = duel();
    assertRefused(s.useAbility("shooter", "a-shot", "target"), "out_of_range");
    assertOk(s.useAbility("shooter", "a-shot", "target", { x: 225, y: 200 }));
  });

  it("a position the shooter saw out of range is still out of range", () => {
    const s = duel();
    assertRefused(s.useAbility("shooter", "a-shot", "target", { x: 260, y: 200 }), "out_of_range");
  });

  it("melee ignores the rewound position; nonsense positions are ignored", () => {
    const s = duel();
    assertRefused(s.useAbility("shooter", "a-strike", "target", { x: 201, y: 200 }), "out_of_range");
    assertRefused(s.useAbility("shooter", "a-shot", "target", { x: Number.NaN, y: 200 }), "out_of_range");
  });

  it("the target's real position is untouched by the rewind", () => {
    const s = duel();
    s.useAbility("shooter", "a-shot", "target", { x: 225, y: 200 });
    assert.equal(s.player("target")!.x, 240);
  });
});
