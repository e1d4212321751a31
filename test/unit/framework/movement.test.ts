import assert from "node:assert/strict";
import {
  sanitizeIntent,
  stepMovement,
  type Bounds,
  type Kinematics,
} from "../../../src/framework/movement.js";

const BOUNDS: Bounds = { minX: 0, minY: 0, maxX: 1000, maxY: 1000 };
const EPS = 1e-12;

function close(actual: number, expected: number, eps = EPS, what = "value"): void {
  assert.ok(Math.abs(actual - expected) <= eps, `${what}: expected ${expected}, got ${actual}`);
}

describe("movement: sanitizeIntent", () => {
  it("passes vectors of length ≤ 1 through unchanged", () => {
    assert.deepEqual(sanitizeIntent(0, 0), { moveX: 0, moveY: 0 });
    assert.deepEqual(sanitizeIntent(1, 0), { moveX: 1, moveY: 0 });
    assert.deepEqual(sanitizeIntent(0, -1), { moveX: 0, moveY: -1 });
    assert.deepEqual(sanitizeIntent(0.3, -0.4), { moveX: 0.3, moveY: -0.4 });
    assert.deepEqual(sanitizeIntent(0.6, 0.8), { moveX: 0.6, moveY: 0.8 });
  });

  it("scales over-long vectors down to unit length, keeping their direction", () => {
    const cases: [number, number][] = [
      [3, 4],
      [-10, 0],
      [1, 1],
      [-1, 1],
      [1e6, -2e6],
      [1.0000001, 0],
    ];
    for (const [x, y] of cases) {
      const out = sanitizeIntent(x, y);
      assert.ok(out, `(${x}, ${y}) should be valid`);
      close(Math.hypot(out.moveX, out.moveY), 1, 1e-12, `length of (${x}, ${y})`);
      close(Math.atan2(out.moveY, out.moveX), Math.atan2(y, x), 1e-12, `direction of (${x}, ${y})`);
    }
    assert.deepEqual(sanitizeIntent(3, 4), { moveX: 0.6, moveY: 0.8 });
    assert.deepEqual(sanitizeIntent(0, 5), { moveX: 0, moveY: 1 });
  });

  it("rejects NaN and infinite components", () => {
    for (const [x, y] of [
      [NaN, 0],
      [0, NaN],
      [NaN, NaN],
      [Infinity, 0],
      [0, -Infinity],
      [Infinity, Infinity],
    ]) {
      assert.equal(sanitizeIntent(x, y), undefined, `(${x}, ${y}) must be rejected`);
    }
  });

  it("rejects non-number components, including numeric strings", () => {
    const bad: unknown[] = ["1", "0", null, undefined, true, {}, [1], 1n, { valueOf: () => 1 }];
    for (const b of bad) {
      assert.equal(sanitizeIntent(b, 0), undefined, `moveX=${String(b)} must be rejected`);
      assert.equal(sanitizeIntent(0, b), undefined, `moveY=${String(b)} must be rejected`);
    }
  });

  it("handles the largest finite magnitudes without overflowing to NaN", () => {
    const out = sanitizeIntent(Number.MAX_VALUE, 0);
    assert.deepEqual(out, { moveX: 1, moveY: 0 });
    const neg = sanitizeIntent(0, -Number.MAX_VALUE);
    assert.deepEqual(neg, { moveX: 0, moveY: -1 });
  });

  // Math.hypot(MAX_VALUE, MAX_VALUE) overflows to Infinity: a naive clamp would turn a huge
  // finite direction into a stop instead of a unit vector.
  it("scales huge finite diagonal vectors to unit length", () => {
    const out = sanitizeIntent(Number.MAX_VALUE, Number.MAX_VALUE);
    assert.ok(out);
    close(Math.hypot(out.moveX, out.moveY), 1, 1e-12, "length");
  });
});

describe("movement: stepMovement", () => {
  const start: Kinematics = { x: 500, y: 500, heading: 0.25 };

  it("returns the very same object for a zero intent", () => {
    const body: Kinematics = { x: 10, y: 20, heading: 1.5 };
    assert.equal(stepMovement(body, { moveX: 0, moveY: 0 }, 6, 0.05, BOUNDS), body);
    assert.deepEqual(body, { x: 10, y: 20, heading: 1.5 }, "and does not mutate it");
  });

  it("treats -0 like 0 (no movement, heading kept)", () => {
    const body: Kinematics = { x: 10, y: 20, heading: 1.5 };
    assert.equal(stepMovement(body, { moveX: -0, moveY: 0 }, 6, 0.05, BOUNDS), body);
  });

  it("moves speed × dt along a unit intent", () => {
    const out = stepMovement(start, { moveX: 1, moveY: 0 }, 6, 0.05, BOUNDS);
    close(out.x, 500.3, 1e-12, "x");
    assert.equal(out.y, 500);
    const up = stepMovement(start, { moveX: 0, moveY: -1 }, 10, 0.1, BOUNDS);
    assert.equal(up.x, 500);
    close(up.y, 499, 1e-12, "y");
  });

  it("moves a diagonal unit intent exactly speed × dt in distance", () => {
    const d = Math.SQRT1_2;
    const out = stepMovement(start, { moveX: d, moveY: d }, 8, 0.25, BOUNDS);
    close(Math.hypot(out.x - start.x, out.y - start.y), 2, 1e-12, "distance");
    close(out.x - start.x, out.y - start.y, 1e-12, "45°");
  });

  it("scales distance with a partial intent", () => {
    const out = stepMovement(start, { moveX: 0.5, moveY: 0 }, 6, 1, BOUNDS);
    assert.equal(out.x, 503);
  });

  it("does not mutate the input body", () => {
    const body: Kinematics = { x: 1, y: 2, heading: 0 };
    const out = stepMovement(body, { moveX: 1, moveY: 1 }, 6, 1, BOUNDS);
    assert.notEqual(out, body);
    assert.deepEqual(body, { x: 1, y: 2, heading: 0 });
  });

  it("sets heading to the direction's angle in [0, 2π) (the range the replicated heading wraps into)", () => {
    const cases: [number, number, number][] = [
      [1, 0, 0],
      [0, 1, Math.PI / 2],
      [-1, 0, Math.PI],
      [0, -1, (3 * Math.PI) / 2],
      [Math.SQRT1_2, Math.SQRT1_2, Math.PI / 4],
      [-0.6, -0.8, Math.atan2(-0.8, -0.6) + 2 * Math.PI],
    ];
    for (const [mx, my, heading] of cases) {
      const out = stepMovement(start, { moveX: mx, moveY: my }, 6, 0.05, BOUNDS);
      close(out.heading, heading, 1e-12, `heading of (${mx}, ${my})`);
    }
  });

  it("heading depends only on direction, not on magnitude", () => {
    const a = stepMovement(start, { moveX: 0.1, moveY: 0.1 }, 6, 0.05, BOUNDS);
    const b = stepMovement(start, { moveX: 0.7, moveY: 0.7 }, 6, 0.05, BOUNDS);
    assert.equal(a.heading, b.heading);
  });

  it("clamps to every side of the bounds", () => {
    const b: Bounds = { minX: -50, minY: 10, maxX: 50, maxY: 20 };
    const mid: Kinematics = { x: 0, y: 15, heading: 0 };
    assert.equal(stepMovement(mid, { moveX: 1, moveY: 0 }, 100, 1, b).x, 50);
    assert.equal(stepMovement(mid, { moveX: -1, moveY: 0 }, 100, 1, b).x, -50);
    assert.equal(stepMovement(mid, { moveX: 0, moveY: 1 }, 100, 1, b).y, 20);
    assert.equal(stepMovement(mid, { moveX: 0, moveY: -1 }, 100, 1, b).y, 10);
  });

  it("clamps each axis independently, so a body slides along a wall", () => {
    const body: Kinematics = { x: 999, y: 500, heading: 0 };
    const d = Math.SQRT1_2;
    const out = stepMovement(body, { moveX: d, moveY: d }, 10, 1, BOUNDS);
    assert.equal(out.x, 1000);
    close(out.y, 500 + 10 * d, 1e-9, "y keeps moving along the wall");
    close(out.heading, Math.PI / 4, 1e-12, "heading still follows the intent");
  });

  it("stays exactly on the bound when pushing into it", () => {
    const body: Kinematics = { x: 0, y: 0, heading: 0 };
    const out = stepMovement(body, { moveX: -1, moveY: -1 }, 6, 0.05, BOUNDS);
    assert.equal(out.x, 0);
    assert.equal(out.y, 0);
  });

  it("is deterministic: the same inputs give bit-identical results", () => {
    const body: Kinematics = { x: 123.456, y: 789.012, heading: 0 };
    const intent = sanitizeIntent(0.37, -0.91)!;
    const a = stepMovement(body, intent, 6, 1 / 20, BOUNDS);
    const b = stepMovement({ ...body }, { ...intent }, 6, 1 / 20, BOUNDS);
    assert.deepEqual(a, b);
  });
});
