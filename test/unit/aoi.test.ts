import assert from "node:assert/strict";
import { InterestManager } from "../../src/aoi/InterestManager.js";
import { SpatialGrid } from "../../src/aoi/SpatialGrid.js";

/** Small deterministic PRNG so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("aoi: SpatialGrid", () => {
  for (const seed of [1, 2, 3, 42, 1337]) {
    it(`answers range queries exactly like a brute-force scan (seed ${seed})`, () => {
      const random = rng(seed);
      const cell = 20 + random() * 150;
      const grid = new SpatialGrid(cell);
      const points = new Map<string, { x: number; y: number }>();
      for (let i = 0; i < 2000; i++) {
        const p = { x: random() * 3000 - 100, y: random() * 2400 - 100 };
        points.set(`e${i}`, p);
        grid.set(`e${i}`, p.x, p.y);
      }
      // Move a third of them, delete a tenth: the grid must track both.
      for (let i = 0; i < 2000; i += 3) {
        const p = { x: random() * 3000, y: random() * 2400 };
        points.set(`e${i}`, p);
        grid.set(`e${i}`, p.x, p.y);
      }
      for (let i = 0; i < 2000; i += 10) {
        points.delete(`e${i}`);
        grid.delete(`e${i}`);
      }
      assert.equal(grid.size, points.size);
      for (let q = 0; q < 200; q++) {
        const x = random() * 3000;
        const y = random() * 2400;
        const r = random() * 400;
        const expected = [...points].filter(([, p]) => Math.hypot(p.x - x, p.y - y) <= r).map(([id]) => id);
        assert.deepEqual(grid.within(x, y, r).sort(), expected.sort(), `query ${q} at ${x},${y} r=${r}`);
      }
    });
  }

  it("includes points exactly on the radius and handles negative coordinates", () => {
    const grid = new SpatialGrid(10);
    grid.set("edge", 3, 4);
    grid.set("neg", -15, -15);
    assert.deepEqual(grid.within(0, 0, 5), ["edge"]);
    assert.deepEqual(grid.within(-14, -14, 2), ["neg"]);
  });

  it("refuses a non-positive cell size", () => {
    assert.throws(() => new SpatialGrid(0));
  });
});

describe("aoi: InterestManager", () => {
  const make = (maxVisible = 100) => new InterestManager({ radius: 100, hysteresis: 1.2, maxVisible });

  it("reports entities entering within the radius, never the observer itself", () => {
    const im = make();
    im.move("me", 0, 0);
    im.move("near", 99, 0);
    im.move("far", 101, 0);
    im.observe("me");
    assert.deepEqual(im.update("me"), { enter: ["near"], leave: [] });
    assert.deepEqual([...im.visibleTo("me")], ["near"]);
    assert.deepEqual(im.update("me"), { enter: [], leave: [] }, "no change, no work for the caller");
  });

  it("keeps a visible entity until beyond radius × hysteresis, then reports it leaving", () => {
    const im = make();
    im.move("me", 0, 0);
    im.move("o", 50, 0);
    im.observe("me");
    im.update("me");
    im.move("o", 115, 0); // past the radius, inside the leave radius (120)
    assert.deepEqual(im.update("me"), { enter: [], leave: [] });
    im.move("o", 121, 0);
    assert.deepEqual(im.update("me"), { enter: [], leave: ["o"] });
    im.move("o", 110, 0); // inside the leave radius but not the enter radius: stays out
    assert.deepEqual(im.update("me"), { enter: [], leave: [] });
    im.move("o", 100, 0);
    assert.deepEqual(im.update("me"), { enter: ["o"], leave: [] });
  });

  it("caps the view to the nearest K, swapping as others come closer", () => {
    const im = make(3);
    im.move("me", 0, 0);
    for (let i = 1; i <= 6; i++) im.move(`o${i}`, i * 10, 0);
    im.observe("me");
    assert.deepEqual(im.update("me").enter.sort(), ["o1", "o2", "o3"]);
    im.move("o6", 1, 0);
    const change = im.update("me");
    assert.deepEqual(change, { enter: ["o6"], leave: ["o3"] });
    assert.equal(im.visibleTo("me").size, 3);
  });

  it("forgets removed entities in every view and can reset an observer", () => {
    const im = make();
    im.move("a", 0, 0);
    im.move("b", 10, 0);
    im.observe("a");
    im.observe("b");
    im.update("a");
    im.update("b");
    im.remove("b");
    assert.equal(im.visibleTo("a").size, 0);
    im.move("c", 5, 0);
    im.update("a");
    im.reset("a");
    assert.deepEqual(im.update("a").enter, ["c"], "after a reset everything in range enters again");
  });

  it("only looks at nearby cells: a far crowd costs an observer nothing", () => {
    const im = make();
    im.move("me", 0, 0);
    for (let i = 0; i < 5000; i++) im.move(`crowd${i}`, 2000 + (i % 50), 2000 + Math.floor(i / 50));
    im.observe("me");
    let visited = 0;
    const original = im.grid.forEachWithin.bind(im.grid);
    im.grid.forEachWithin = (x, y, r, fn) => original(x, y, r, (id, d2) => (visited++, fn(id, d2)));
    im.update("me");
    assert.equal(visited, 1, "only the observer's own entry was near it");
  });

  it("rejects hysteresis below 1", () => {
    assert.throws(() => new InterestManager({ radius: 10, hysteresis: 0.9, maxVisible: 10 }));
  });
});
