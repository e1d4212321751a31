import assert from "node:assert/strict";
import {
  CR1_MAX_EDGE,
  beats,
  cr1Edge,
  rollDamage,
  type InterlockAction,
  type InterlockRules,
  type RoundLog,
} from "../../../../../src/mxo/rules/combat/index.js";
import { config, fighter, oneRound, rollsOf } from "./helpers.js";

const ATTACKS: InterlockAction[] = ["quick", "power", "grab", "block"];
const SEEDS = Array.from({ length: 200 }, (_, i) => i + 1);
/** Enough seeded rounds that a rate is within about ±2.5 points of its expectation. */
const MANY = Array.from({ length: 3000 }, (_, i) => i + 1);
const cr1 = (over: Partial<InterlockRules> = {}) => config({ ruleset: "cr1", ...over }).interlock;
const close = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: expected ${expected}, got ${actual}`);
const winnerOf = (entry: RoundLog) => (entry.hits.a ? "a" : entry.hits.b ? "b" : "none");

/** Share of `seeds` rounds that side a wins with these actions. */
function aWins(
  actions: { a: InterlockAction; b: InterlockAction },
  rules = cr1(),
  a = fighter("A"),
  b = fighter("B"),
  seeds = MANY,
): number {
  let won = 0;
  for (const seed of seeds) if (oneRound(a, b, actions, seed, rules).entry.hits.a) won++;
  return won / seeds.length;
}

describe("interlock CR1: every round an opposed roll, the table giving a bounded edge", () => {
  const rules = cr1();

  for (const x of ATTACKS) {
    for (const y of ATTACKS) {
      const favoured = beats(x, y) ? "a" : beats(y, x) ? "b" : null;
      const idle = x === "block" && y === "block";
      const what = idle
        ? "nobody lands, no roll"
        : favoured
          ? `both roll, ${favoured} with the ×${rules.cr1Edge} edge`
          : "both roll, no edge";
      it(`${x} vs ${y}: ${what}; the higher roll wins and at most one lands`, () => {
        const winners = new Set<string>();
        for (const seed of SEEDS) {
          const { entry } = oneRound(fighter("A"), fighter("B"), { a: x, b: y }, seed, rules);
          assert.notEqual(entry.label, "win/win", "CR1 never lets both land");
          winners.add(winnerOf(entry));
          if (idle) {
            assert.equal(entry.decidedBy, "idle");
            assert.equal(entry.rolls.length, 0);
            continue;
          }
          assert.equal(entry.decidedBy, favoured ? "table" : "roll");
          const [ra] = rollsOf(entry, "a", "rating");
          const [rb] = rollsOf(entry, "b", "rating");
          assert.ok(ra && rb, "both fighters roll every round");
          // Equal level-10 fighters with 5s: rating (accuracy + defence) / 2 = 100.
          close(ra.value, ra.u * 100 * (favoured === "a" ? rules.cr1Edge : 1), "a's roll");
          close(rb.value, rb.u * 100 * (favoured === "b" ? rules.cr1Edge : 1), "b's roll");
          assert.equal(winnerOf(entry), ra.value > rb.value ? "a" : "b");
        }
        // Bounded: whatever the table says, each side wins some rounds.
        assert.deepEqual([...winners].sort(), idle ? ["none"] : ["a", "b"]);
      });
    }
  }

  it("the winning tactic wins clearly more than half the rounds, but not all (about 2 in 3)", () => {
    // Between equals with edge e the favoured side wins 1 − 1/(2e): 2/3 at ×1.5.
    for (const [x, y] of [
      ["power", "grab"],
      ["grab", "block"],
      ["block", "power"],
    ] as const) {
      const asA = aWins({ a: x, b: y });
      const asB = 1 - aWins({ a: y, b: x });
      for (const rate of [asA, asB]) {
        assert.ok(rate > 0.6 && rate < 0.73, `${x} over ${y} won ${rate}`);
      }
    }
  });

  it("equal or neutral tactics come down to the fighters: about half each", () => {
    for (const [x, y] of [
      ["quick", "quick"],
      ["power", "power"],
      ["grab", "grab"],
      ["quick", "power"],
      ["grab", "quick"],
    ] as const) {
      const rate = aWins({ a: x, b: y });
      assert.ok(rate > 0.46 && rate < 0.54, `${x} vs ${y}: a won ${rate}`);
    }
  });

  it("the edge is bounded: a configured edge is clamped to 1..CR1_MAX_EDGE", () => {
    assert.equal(cr1Edge(cr1({ cr1Edge: 10 })), CR1_MAX_EDGE);
    assert.equal(cr1Edge(cr1({ cr1Edge: 0.2 })), 1);
    assert.equal(cr1Edge(cr1()), 1.5);
    const huge = cr1({ cr1Edge: 1000 });
    const { entry } = oneRound(fighter("A"), fighter("B"), { a: "power", b: "grab" }, 4, huge);
    const [ra] = rollsOf(entry, "a", "rating");
    assert.ok(ra);
    close(ra.value, ra.u * 100 * CR1_MAX_EDGE, "edge at its bound");
    // At the bound the favoured side between equals wins 3 in 4, never every round.
    const rate = aWins({ a: "power", b: "grab" }, huge);
    assert.ok(rate > 0.71 && rate < 0.79, `bounded edge won ${rate}`);
    // An edge below 1 is no edge, never a penalty.
    const none = aWins({ a: "power", b: "grab" }, cr1({ cr1Edge: 0 }));
    assert.ok(none > 0.46 && none < 0.54, `edge 0 won ${none}`);
  });

  it("a better fighter still beats the table sometimes, and a much better one usually", () => {
    const sharp = fighter("B", { style: { accuracy: 200, damage: 50 } }); // rating 150
    const rate = aWins({ a: "power", b: "grab" }, cr1(), fighter("A"), sharp);
    // a rolls u × 150 (100 × 1.5) against u × 150: even.
    assert.ok(rate > 0.46 && rate < 0.54, `edge against a sharper fighter: ${rate}`);
    const master = fighter("B", { style: { accuracy: 400, damage: 50 }, level: 20 });
    assert.ok(aWins({ a: "power", b: "grab" }, cr1(), fighter("A"), master) < 0.35);
  });

  it("is deterministic: the same seed gives the same round, other seeds other rolls", () => {
    const round = (seed: number) =>
      oneRound(fighter("A"), fighter("B"), { a: "grab", b: "block" }, seed, rules).entry;
    assert.deepEqual(round(42), round(42));
    assert.deepEqual(rollsOf(round(42), "a", "rating"), rollsOf(round(42), "a", "rating"));
    assert.notDeepEqual(round(42).rolls, round(43).rolls);
  });

  it("a winning block counters for half damage", () => {
    const seed = SEEDS.find(
      (s) => oneRound(fighter("A"), fighter("B"), { a: "block", b: "power" }, s, rules).entry.hits.a,
    );
    assert.ok(seed !== undefined);
    const { entry } = oneRound(fighter("A"), fighter("B"), { a: "block", b: "power" }, seed, rules);
    const [dmg] = rollsOf(entry, "a", "damage");
    assert.ok(dmg);
    assert.equal(entry.dealt.a, rollDamage(50 * 0.5, dmg.u, rules.damageVariance, 20));
    assert.equal(entry.after.b.hp, fighter("B").hp - entry.dealt.a);
  });

  it("a failed withdraw leaves the withdrawer open to an attack (not to a block)", () => {
    let landed = 0;
    for (const seed of SEEDS) {
      const { entry } = oneRound(fighter("A"), fighter("B"), { a: "withdraw", b: "power" }, seed, rules);
      if (entry.escaped.a) continue;
      assert.equal(entry.decidedBy, "withdraw");
      assert.deepEqual(entry.hits, { a: false, b: true });
      landed++;
      const idle = oneRound(fighter("A"), fighter("B"), { a: "withdraw", b: "block" }, seed, rules).entry;
      if (!idle.escaped.a) assert.deepEqual(idle.hits, { a: false, b: false });
    }
    assert.ok(landed > 0);
  });
});
