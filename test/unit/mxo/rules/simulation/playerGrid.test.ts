import assert from "node:assert/strict";
import type { Bounds } from "../../../../../src/framework/movement.js";
import { createRng } from "../../../../../src/mxo/rules/npc/rng.js";
import type { NpcTargetView } from "../../../../../src/mxo/rules/npc/types.js";
import { PlayerGrid } from "../../../../../src/mxo/rules/simulation/playerGrid.js";
import { join, sim } from "./helpers.js";

const BOUNDS: Bounds = { minX: 0, minY: 0, maxX: 500, maxY: 400 };

/** The ids a full scan finds within `radius`, in map order. */
function scan(players: ReadonlyMap<string, NpcTargetView>, x: number, y: number, radius: number): string[] {
  return [...players].filter(([, p]) => Math.hypot(p.x - x, p.y - y) <= radius).map(([id]) => id);
}

/** The ids the grid hands out that are within `radius` (it may hand out a few beyond). */
function near(grid: PlayerGrid, x: number, y: number, radius: number): string[] {
  return grid
    .near(x, y, radius)
    .filter(([, p]) => Math.hypot(p.x - x, p.y - y) <= radius)
    .map(([id]) => id);
}

describe("PlayerGrid (the NPCs' target search index)", () => {
  it("finds exactly the players a full scan finds, in the map's order, wherever they stand", () => {
    const rng = createRng(3);
    const players = new Map<string, NpcTargetView>();
    // Inside, on cell edges, on the bounds and outside them (a GM may put someone anywhere).
    for (let i = 0; i < 400; i++) {
      const x = i % 10 === 0 ? 32 * Math.floor(rng() * 16) : -20 + rng() * 540;
      const y = i % 7 === 0 ? 400 + rng() * 30 : -20 + rng() * 440;
      players.set(`p${i}`, { x, y, hp: 10 });
    }
    const grid = new PlayerGrid();
    grid.invalidate(players, BOUNDS);
    for (let q = 0; q < 300; q++) {
      const x = -10 + rng() * 520;
      const y = -10 + rng() * 420;
      const radius = [6, 12, 25, 32, 70][q % 5]!;
      assert.deepEqual(
        near(grid, x, y, radius),
        scan(players, x, y, radius),
        `query ${q} at ${x},${y} r ${radius}`,
      );
    }
  });

  it("rebuilds after invalidate: players who moved, joined or left are where they are now", () => {
    const a = { x: 10, y: 10, hp: 10 };
    const players = new Map<string, NpcTargetView>([
      ["a", a],
      ["b", { x: 300, y: 300, hp: 10 }],
    ]);
    const grid = new PlayerGrid();
    grid.invalidate(players, BOUNDS);
    assert.deepEqual(near(grid, 12, 12, 10), ["a"]);
    a.x = 295;
    a.y = 300;
    players.delete("b");
    players.set("c", { x: 305, y: 302, hp: 10 });
    grid.invalidate(players, BOUNDS);
    assert.deepEqual(near(grid, 12, 12, 10), []);
    assert.deepEqual(near(grid, 300, 300, 10), ["a", "c"]);
  });

  it("leaves an NPC's pick as a full scan made it: of two players as near, the one that joined first", () => {
    const s = sim();
    // The first to join stands east, in the next cell of the index: a search by cells alone meets it second.
    s.addPlayer(join("first", 105, 102));
    s.addPlayer(join("second", 95, 102));
    const [id] = s.gmSpawn("rl-la-punk", 1, { x: 100, y: 100, z: 0 });
    s.step();
    const npc = s.npc(id!)!;
    assert.equal(npc.targetId, "first");
  });
});
