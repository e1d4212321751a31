import assert from "node:assert/strict";
import type { Bounds } from "../../../../../src/framework/movement.js";
import {
  createWorld,
  stepWorld,
  type RawInput,
  type SimPlayer,
  type World,
} from "../../../../../src/mxo/rules/simulation/world.js";

const BOUNDS: Bounds = { minX: 0, minY: 0, maxX: 3000, maxY: 3000 };
const DT = 1 / 20;
const SPEED = 6;

function player(sessionId: string, over: Partial<SimPlayer> = {}): SimPlayer {
  return {
    sessionId,
    characterId: `char-${sessionId}`,
    name: `Name${sessionId}`,
    organization: "zion",
    x: 1500,
    y: 1500,
    z: 0,
    heading: 0,
    hp: 100,
    maxHp: 100,
    level: 1,
    speed: SPEED,
    intent: { moveX: 0, moveY: 0 },
    ack: 0,
    ...over,
  };
}

function worldWith(...players: SimPlayer[]): World {
  const w = createWorld("richland", BOUNDS);
  for (const p of players) w.players.set(p.sessionId, p);
  return w;
}

function inputs(entries: Record<string, RawInput> = {}): Map<string, RawInput> {
  return new Map(Object.entries(entries));
}

const NONE: ReadonlyMap<string, RawInput> = new Map();

function get(w: World, id: string): SimPlayer {
  const p = w.players.get(id);
  assert.ok(p, `player ${id} missing`);
  return p;
}

describe("sim: createWorld", () => {
  it("starts at tick 0 with no players and the given district and bounds", () => {
    const w = createWorld("westview", BOUNDS);
    assert.equal(w.district, "westview");
    assert.deepEqual(w.bounds, BOUNDS);
    assert.equal(w.tick, 0);
    assert.equal(w.players.size, 0);
  });

  it("gives each world its own player map", () => {
    const a = createWorld("a", BOUNDS);
    const b = createWorld("b", BOUNDS);
    a.players.set("s", player("s"));
    assert.equal(b.players.size, 0);
  });
});

describe("sim: stepWorld", () => {
  it("increments the tick once per step, with or without input", () => {
    const w = worldWith(player("a"));
    stepWorld(w, NONE, DT);
    assert.equal(w.tick, 1);
    stepWorld(w, inputs({ a: { seq: 1, moveX: 1, moveY: 0 } }), DT);
    assert.equal(w.tick, 2);
    const empty = createWorld("x", BOUNDS);
    stepWorld(empty, NONE, DT);
    stepWorld(empty, NONE, DT);
    assert.equal(empty.tick, 2);
  });

  it("applies the input given for the step and acks its seq", () => {
    const w = worldWith(player("a"));
    const r = stepWorld(w, inputs({ a: { seq: 7, moveX: 1, moveY: 0 } }), DT);
    const p = get(w, "a");
    assert.equal(r.invalidInputs, 0);
    assert.equal(p.ack, 7);
    assert.deepEqual(p.intent, { moveX: 1, moveY: 0 });
    assert.ok(Math.abs(p.x - (1500 + SPEED * DT)) < 1e-9, `x=${p.x}`);
    assert.equal(p.y, 1500);
    assert.equal(p.heading, 0);
  });

  it("moves a player in the same step its input arrives", () => {
    const w = worldWith(player("a"));
    stepWorld(w, inputs({ a: { seq: 1, moveX: 0, moveY: 1 } }), DT);
    const p = get(w, "a");
    assert.ok(Math.abs(p.y - 1500 - SPEED * DT) < 1e-9);
    assert.ok(Math.abs(p.heading - Math.PI / 2) < 1e-12);
  });

  it("applies exactly one input per player per call: a later call's input replaces the intent", () => {
    const w = worldWith(player("a"));
    stepWorld(w, inputs({ a: { seq: 1, moveX: 1, moveY: 0 } }), DT);
    stepWorld(w, inputs({ a: { seq: 2, moveX: -1, moveY: 0 } }), DT);
    const p = get(w, "a");
    assert.equal(p.ack, 2);
    assert.deepEqual(p.intent, { moveX: -1, moveY: 0 });
    assert.ok(Math.abs(p.x - 1500) < 1e-9, "one step right then one step left returns to start");
    assert.ok(Math.abs(p.heading - Math.PI) < 1e-12);
  });

  it("holds the last intent on following steps without input", () => {
    const w = worldWith(player("a"));
    stepWorld(w, inputs({ a: { seq: 4, moveX: 0, moveY: -1 } }), DT);
    for (let i = 0; i < 9; i++) stepWorld(w, NONE, DT);
    const p = get(w, "a");
    assert.equal(p.ack, 4, "ack is unchanged without input");
    assert.deepEqual(p.intent, { moveX: 0, moveY: -1 });
    assert.ok(Math.abs(p.y - (1500 - SPEED * DT * 10)) < 1e-9, `y=${p.y}`);
    assert.equal(p.x, 1500);
  });

  it("stops when told to stop and keeps its heading", () => {
    const w = worldWith(player("a"));
    stepWorld(w, inputs({ a: { seq: 1, moveX: 0, moveY: 1 } }), DT);
    stepWorld(w, inputs({ a: { seq: 2, moveX: 0, moveY: 0 } }), DT);
    const p = get(w, "a");
    const { x, y, heading } = p;
    for (let i = 0; i < 5; i++) stepWorld(w, NONE, DT);
    assert.equal(p.x, x);
    assert.equal(p.y, y);
    assert.equal(p.heading, heading);
    assert.ok(Math.abs(heading - Math.PI / 2) < 1e-12);
    assert.equal(p.ack, 2);
  });

  for (const n of [1, 20, 100, 400]) {
    it(`after ${n} steps a unit intent has covered speed × dt × ${n} exactly (within 1e-9)`, () => {
      const w = worldWith(player("a"), player("b", { speed: 9.5 }));
      const d = Math.SQRT1_2;
      stepWorld(w, inputs({ a: { seq: 1, moveX: 1, moveY: 0 }, b: { seq: 1, moveX: -d, moveY: d } }), DT);
      for (let i = 1; i < n; i++) stepWorld(w, NONE, DT);
      const a = get(w, "a");
      const b = get(w, "b");
      assert.ok(
        Math.abs(Math.hypot(a.x - 1500, a.y - 1500) - SPEED * DT * n) < 1e-9,
        `a moved ${a.x - 1500}`,
      );
      assert.ok(
        Math.abs(Math.hypot(b.x - 1500, b.y - 1500) - 9.5 * DT * n) < 1e-9,
        `b moved ${Math.hypot(b.x - 1500, b.y - 1500)}`,
      );
      assert.equal(w.tick, n);
    });
  }

  it("never moves faster than speed for an over-long direction", () => {
    const w = worldWith(player("a"), player("b"), player("c"));
    stepWorld(
      w,
      inputs({
        a: { seq: 1, moveX: 1000, moveY: 0 },
        b: { seq: 1, moveX: 5, moveY: 5 },
        c: { seq: 1, moveX: -1e9, moveY: 3e9 },
      }),
      DT,
    );
    for (let i = 1; i < 40; i++) stepWorld(w, NONE, DT);
    for (const id of ["a", "b", "c"]) {
      const p = get(w, id);
      const dist = Math.hypot(p.x - 1500, p.y - 1500);
      assert.ok(dist <= SPEED * DT * 40 + 1e-9, `${id} moved ${dist}, more than ${SPEED * DT * 40}`);
      assert.ok(Math.abs(dist - SPEED * DT * 40) < 1e-9, `${id} should move at full speed, moved ${dist}`);
      assert.ok(Math.hypot(p.intent.moveX, p.intent.moveY) <= 1 + 1e-12, `${id} intent is unit length`);
    }
    const b = get(w, "b");
    assert.ok(Math.abs(b.x - b.y) < 1e-9, "diagonal direction is preserved");
  });

  it("a partial intent moves proportionally slower", () => {
    const w = worldWith(player("a"));
    stepWorld(w, inputs({ a: { seq: 1, moveX: 0.25, moveY: 0 } }), DT);
    for (let i = 1; i < 20; i++) stepWorld(w, NONE, DT);
    assert.ok(Math.abs(get(w, "a").x - (1500 + 0.25 * SPEED * DT * 20)) < 1e-9);
  });

  describe("invalid input", () => {
    for (const [label, moveX, moveY] of [
      ["NaN", NaN, 0],
      ["Infinity", 0, Infinity],
      ["-Infinity", -Infinity, 1],
      ["a string", "1" as unknown as number, 0],
      ["null", null as unknown as number, 0],
      ["undefined", 0, undefined as unknown as number],
    ] as const) {
      it(`${label}: acks the seq, counts it invalid and keeps the previous intent`, () => {
        const w = worldWith(player("a"));
        stepWorld(w, inputs({ a: { seq: 1, moveX: 1, moveY: 0 } }), DT);
        const r = stepWorld(w, inputs({ a: { seq: 2, moveX, moveY } }), DT);
        const p = get(w, "a");
        assert.equal(r.invalidInputs, 1);
        assert.equal(p.ack, 2, "seq is acknowledged even though the input was rejected");
        assert.deepEqual(p.intent, { moveX: 1, moveY: 0 }, "previous intent kept");
        assert.ok(Number.isFinite(p.x) && Number.isFinite(p.y) && Number.isFinite(p.heading));
        assert.ok(Math.abs(p.x - (1500 + SPEED * DT * 2)) < 1e-9, "kept moving on the previous intent");
      });
    }

    it("an invalid first input leaves a new player standing still", () => {
      const w = worldWith(player("a"));
      const r = stepWorld(w, inputs({ a: { seq: 1, moveX: NaN, moveY: NaN } }), DT);
      const p = get(w, "a");
      assert.equal(r.invalidInputs, 1);
      assert.equal(p.ack, 1);
      assert.equal(p.x, 1500);
      assert.equal(p.y, 1500);
      assert.equal(p.heading, 0);
    });

    it("counts invalid inputs across players in one step, and only this step's", () => {
      const w = worldWith(player("a"), player("b"), player("c"));
      const r = stepWorld(
        w,
        inputs({
          a: { seq: 1, moveX: NaN, moveY: 0 },
          b: { seq: 1, moveX: 0, moveY: Infinity },
          c: { seq: 1, moveX: 1, moveY: 0 },
        }),
        DT,
      );
      assert.equal(r.invalidInputs, 2);
      assert.equal(get(w, "c").ack, 1);
      const next = stepWorld(w, NONE, DT);
      assert.equal(next.invalidInputs, 0);
    });
  });

  it("ignores inputs for unknown sessions (no player created, not counted)", () => {
    const w = worldWith(player("a"));
    const r = stepWorld(
      w,
      inputs({ ghost: { seq: 5, moveX: 1, moveY: 0 }, ghost2: { seq: 1, moveX: NaN, moveY: 0 } }),
      DT,
    );
    assert.equal(r.invalidInputs, 0);
    assert.equal(w.players.size, 1);
    assert.equal(w.players.has("ghost"), false);
    const a = get(w, "a");
    assert.equal(a.ack, 0);
    assert.equal(a.x, 1500);
    assert.equal(w.tick, 1);
  });

  it("applies each player's own input only to that player", () => {
    const w = worldWith(player("a"), player("b"));
    stepWorld(w, inputs({ a: { seq: 3, moveX: 1, moveY: 0 } }), DT);
    const a = get(w, "a");
    const b = get(w, "b");
    assert.equal(a.ack, 3);
    assert.equal(b.ack, 0);
    assert.ok(a.x > 1500);
    assert.equal(b.x, 1500);
    assert.equal(b.y, 1500);
  });

  it("keeps every player inside the bounds on every side", () => {
    const bounds: Bounds = { minX: 100, minY: 200, maxX: 300, maxY: 400 };
    const w = createWorld("tiny", bounds);
    const dirs: [string, number, number][] = [
      ["e", 1, 0],
      ["w", -1, 0],
      ["n", 0, -1],
      ["s", 0, 1],
      ["ne", 1, -1],
      ["sw", -1, 1],
    ];
    for (const [id] of dirs) w.players.set(id, player(id, { x: 200, y: 300, speed: 50 }));
    const first = new Map(dirs.map(([id, x, y]) => [id, { seq: 1, moveX: x, moveY: y }]));
    stepWorld(w, first, 0.1);
    for (let i = 0; i < 200; i++) {
      stepWorld(w, NONE, 0.1);
      for (const p of w.players.values()) {
        assert.ok(p.x >= bounds.minX && p.x <= bounds.maxX, `${p.sessionId} x=${p.x}`);
        assert.ok(p.y >= bounds.minY && p.y <= bounds.maxY, `${p.sessionId} y=${p.y}`);
      }
    }
    assert.equal(get(w, "e").x, 300);
    assert.equal(get(w, "w").x, 100);
    assert.equal(get(w, "n").y, 200);
    assert.equal(get(w, "s").y, 400);
    assert.deepEqual([get(w, "ne").x, get(w, "ne").y], [300, 200]);
    assert.deepEqual([get(w, "sw").x, get(w, "sw").y], [100, 400]);
    assert.equal(get(w, "e").y, 300, "moving east does not drift on y");
  });

  it("does not change fields other than position, heading, intent and ack", () => {
    const w = worldWith(player("a", { hp: 42, z: 7 }));
    stepWorld(w, inputs({ a: { seq: 1, moveX: 1, moveY: 1 } }), DT);
    const p = get(w, "a");
    assert.equal(p.hp, 42);
    assert.equal(p.z, 7);
    assert.equal(p.speed, SPEED);
    assert.equal(p.level, 1);
    assert.equal(p.name, "Namea");
  });
});
