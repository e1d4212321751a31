import assert from "node:assert/strict";
import type { ZoneWorld } from "../../../src/framework/index.js";
import { TagWorld } from "../../../examples/tag/TagWorld.js";

const TICK = 1 / 20;

type Pass = { from: string; to: string };

/** Steps the world for `seconds` at 20 Hz through the framework's interface, collecting every pass. */
function run(world: ZoneWorld<Pass>, seconds: number) {
  const passes: Pass[] = [];
  for (let t = 0; t < Math.round(seconds / TICK); t++) passes.push(...world.step(TICK));
  return passes;
}

describe("tag: the game's world, stepped without sockets or a database", () => {
  it("alone nobody is it; with two or more exactly one is, whoever leaves", () => {
    const w = new TagWorld();
    w.add("a", "Ann", { x: 10, y: 10 }, 0);
    assert.equal(w.it, undefined);
    w.add("b", "Bob", { x: 90, y: 90 }, 0);
    w.add("c", "Cy", { x: 50, y: 90 }, 0);
    assert.equal([...w.players.values()].filter((p) => p.it).length, 1);
    w.remove(w.it!);
    assert.equal([...w.players.values()].filter((p) => p.it).length, 1, "another one is it");
    w.remove(w.it!);
    assert.equal(w.it, undefined, "alone again");
  });

  it("moves with the framework's movement step: speed × time, clamped to the arena", () => {
    const w = new TagWorld();
    w.add("a", "Ann", { x: 10, y: 10 }, 0);
    w.input("a", { moveX: 1, moveY: 0 });
    run(w, 1);
    assert.ok(Math.abs(w.players.get("a")!.x - 16) < 1e-9);
    w.input("a", { moveX: -5, moveY: 0 }); // clamped to length 1
    run(w, 10);
    assert.equal(w.players.get("a")!.x, 0, "stops at the edge");
    w.input("a", { moveX: Number.NaN, moveY: 0 });
    assert.deepEqual(w.players.get("a")!.intent, { moveX: -1, moveY: 0 }, "a non-finite input is ignored");
  });

  it("it passes within 2 units, and the new it cannot pass back for 2 s", () => {
    const w = new TagWorld();
    w.add("a", "Ann", { x: 10, y: 10 }, 0);
    w.add("b", "Bob", { x: 11, y: 10 }, 0);
    assert.equal(w.it, "a");
    assert.deepEqual(run(w, 1.9), [], "no pass while the first it's grace runs");
    assert.deepEqual(run(w, 0.2), [{ from: "a", to: "b" }]);
    assert.deepEqual(run(w, 1.8), [], "b cannot pass back at once");
    assert.deepEqual(run(w, 0.3), [{ from: "b", to: "a" }]);
  });

  it("everyone not it scores whole seconds; a GM's tagit moves it and says who was", () => {
    const w = new TagWorld();
    w.add("a", "Ann", { x: 10, y: 10 }, 5);
    w.add("b", "Bob", { x: 90, y: 90 }, 0);
    run(w, 3);
    assert.ok(Math.abs(w.players.get("b")!.free - 3) < 1e-9, "b was free for 3 s");
    assert.equal(w.players.get("a")!.free, 5, "a was it");
    assert.equal(w.makeIt("b"), "a");
    assert.equal(w.it, "b");
  });
});
