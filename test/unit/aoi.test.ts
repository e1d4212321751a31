import assert from "node:assert/strict";
import { InterestManager, selectSmallest, type InterestOptions } from "../../src/aoi/InterestManager.js";
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
    const original = im.grid.forEachEntryWithin.bind(im.grid);
    im.grid.forEachEntryWithin = (x, y, r, fn) => original(x, y, r, (e, d2) => (visited++, fn(e, d2)));
    im.update("me");
    assert.equal(visited, 1, "only the observer's own entry was near it");
  });

  it("rejects hysteresis below 1", () => {
    assert.throws(() => new InterestManager({ radius: 10, hysteresis: 0.9, maxVisible: 10 }));
  });

  it("at the cap, prefers what is already in view until a newcomer is clearly nearer", () => {
    const im = make(2);
    im.move("me", 0, 0);
    im.move("a", 10, 0);
    im.move("b", 20, 0);
    im.observe("me");
    assert.deepEqual(im.update("me").enter.sort(), ["a", "b"]);
    im.move("c", 19, 0); // a hair nearer than b: no swap, no churn at the edge of the cap
    assert.deepEqual(im.update("me"), { enter: [], leave: [] });
    im.move("c", 15, 0); // nearer than b by more than the hysteresis (20 / 1.2 ≈ 16.7)
    assert.deepEqual(im.update("me"), { enter: ["c"], leave: ["b"] });
  });

  it("matches a brute-force model of enter, leave, cap and hidden over random walks", () => {
    const options: InterestOptions = { radius: 60, hysteresis: 1.25, maxVisible: 7 };
    const im = new InterestManager(options);
    const random = rng(99);
    const pos = new Map<string, { x: number; y: number }>();
    const ids = Array.from({ length: 120 }, (_, i) => `e${i}`);
    for (const id of ids) {
      const p = { x: random() * 400, y: random() * 400 };
      pos.set(id, p);
      im.move(id, p.x, p.y);
    }
    const observers = ids.slice(0, 30);
    for (const o of observers) im.observe(o);
    const model = new Map(observers.map((o) => [o, new Set<string>()]));
    const hidden = new Set<string>();
    const enterR = options.radius;
    const leaveR = options.radius * options.hysteresis;
    for (let round = 0; round < 60; round++) {
      for (const id of ids) {
        const p = pos.get(id)!;
        p.x = Math.max(0, Math.min(400, p.x + (random() - 0.5) * 20));
        p.y = Math.max(0, Math.min(400, p.y + (random() - 0.5) * 20));
        im.move(id, p.x, p.y);
      }
      const toggled = ids[Math.floor(random() * ids.length)]!;
      const hide = random() < 0.5;
      im.setHidden(toggled, hide);
      if (hide) hidden.add(toggled);
      else hidden.delete(toggled);
      for (const o of observers) {
        const me = pos.get(o)!;
        const before = model.get(o)!;
        const candidates: { id: string; key: number }[] = [];
        for (const id of ids) {
          if (id === o || hidden.has(id)) continue;
          const d = Math.hypot(pos.get(id)!.x - me.x, pos.get(id)!.y - me.y);
          if (d <= enterR || (before.has(id) && d <= leaveR)) {
            candidates.push({ id, key: before.has(id) ? d / options.hysteresis : d });
          }
        }
        candidates.sort((a, b) => a.key - b.key);
        const after = new Set(candidates.slice(0, options.maxVisible).map((c) => c.id));
        const change = im.update(o);
        assert.deepEqual(
          change.enter.sort(),
          [...after].filter((id) => !before.has(id)).sort(),
          `enter, round ${round}, ${o}`,
        );
        assert.deepEqual(
          change.leave.sort(),
          [...before].filter((id) => !after.has(id)).sort(),
          `leave, round ${round}, ${o}`,
        );
        assert.deepEqual([...im.visibleTo(o)].sort(), [...after].sort());
        model.set(o, after);
      }
    }
  });

  it("selects the k smallest keys like a sort would", () => {
    const random = rng(7);
    for (let t = 0; t < 300; t++) {
      const n = 1 + Math.floor(random() * 200);
      const k = 1 + Math.floor(random() * n);
      // Few distinct values on purpose: ties must not break the selection.
      const keys = Array.from({ length: n }, () => Math.floor(random() * (t % 2 ? 10 : 1e6)));
      const ids = keys.map((_, i) => `i${i}`);
      const expected = [...keys].sort((a, b) => a - b).slice(0, k);
      selectSmallest(keys, ids, n, k);
      assert.deepEqual(
        keys.slice(0, k).sort((a, b) => a - b),
        expected,
        `n=${n} k=${k}`,
      );
      assert.equal(new Set(ids).size, n, "ids moved with their keys, none lost");
    }
  });
});

describe("aoi: InterestManager.setHidden", () => {
  const make = () => new InterestManager({ radius: 100, hysteresis: 1.2, maxVisible: 100 });

  it("takes a hidden entity out of every other view at each observer's next update", () => {
    const im = make();
    for (const [id, x] of [
      ["gm", 0],
      ["a", 10],
      ["b", 20],
    ] as const) {
      im.move(id, x, 0);
      im.observe(id);
    }
    for (const id of ["gm", "a", "b"]) im.update(id);
    assert.ok(im.visibleTo("a").has("gm") && im.visibleTo("b").has("gm"));

    im.setHidden("gm", true);
    assert.ok(im.isHidden("gm"));
    assert.ok(im.visibleTo("a").has("gm"), "nothing changes before the next update");
    assert.deepEqual(im.update("a"), { enter: [], leave: ["gm"] });
    assert.deepEqual(im.update("b"), { enter: [], leave: ["gm"] });
    assert.ok(!im.visibleTo("a").has("gm") && !im.visibleTo("b").has("gm"));
  });

  it("stays hidden across moves, however near, while it still sees everyone", () => {
    const im = make();
    im.move("gm", 500, 500);
    im.observe("gm");
    im.setHidden("gm", true);
    im.move("a", 0, 0);
    im.observe("a");
    for (let step = 0; step <= 50; step++) {
      im.move("gm", 500 - step * 10, 500 - step * 10); // walks right onto a
      assert.deepEqual(im.update("a").enter, [], `step ${step}`);
      assert.ok(!im.visibleTo("a").has("gm"));
    }
    assert.deepEqual(im.update("gm").enter, ["a"], "the hidden observer's own view is unaffected");
  });

  it("holds when set before the entity is first placed, and for a newly observing client", () => {
    const im = make();
    im.setHidden("gm", true);
    im.move("gm", 0, 0);
    im.move("late", 5, 0);
    im.observe("late");
    assert.deepEqual(im.update("late"), { enter: [], leave: [] });
    im.reset("late");
    assert.deepEqual(im.update("late"), { enter: [], leave: [] });
  });

  it("comes back into range-based view once shown again", () => {
    const im = make();
    im.move("gm", 0, 0);
    im.move("near", 50, 0);
    im.move("far", 300, 0);
    for (const id of ["near", "far"]) im.observe(id);
    im.setHidden("gm", true);
    im.update("near");
    im.update("far");
    im.setHidden("gm", false);
    assert.ok(!im.isHidden("gm"));
    assert.deepEqual(im.update("near"), { enter: ["gm"], leave: [] });
    assert.deepEqual(im.update("far"), { enter: [], leave: [] }, "still out of range for the far one");
  });

  it("is forgotten when the entity is removed", () => {
    const im = make();
    im.setHidden("x", true);
    im.move("x", 0, 0);
    im.remove("x");
    assert.ok(!im.isHidden("x"));
    im.move("x", 0, 0);
    im.move("o", 1, 0);
    im.observe("o");
    assert.deepEqual(im.update("o").enter, ["x"]);
  });
});
