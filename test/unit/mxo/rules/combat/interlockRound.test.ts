import assert from "node:assert/strict";
import { openDuel, snapshotFighter } from "../../../../../src/mxo/rules/combat/duel.js";
import { beats, resolveRound, type InterlockAction } from "../../../../../src/mxo/rules/combat/index.js";
import { FIVES, NO_EXTERNAL, config, fighter, oneRound, rollsOf } from "./helpers.js";

const SEEDS = Array.from({ length: 200 }, (_, i) => i + 1);
const ATTACKS: InterlockAction[] = ["quick", "power", "grab", "block"];
const close = (actual: number, expected: number, what = "value") =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: expected ${expected}, got ${actual}`);

describe("interlock: the tactics table", () => {
  it("is power > grab > block > power, with quick and withdraw outside it", () => {
    const wins = ATTACKS.flatMap((x) => ATTACKS.filter((y) => beats(x, y)).map((y) => `${x}>${y}`));
    assert.deepEqual(wins.sort(), ["block>power", "grab>block", "power>grab"]);
    for (const x of [...ATTACKS, "withdraw" as const]) {
      assert.ok(!beats("quick", x) && !beats(x, "quick"), `quick vs ${x}`);
      assert.ok(!beats("withdraw", x) && !beats(x, "withdraw"), `withdraw vs ${x}`);
    }
  });
});

describe("interlock CR2: two rolls per round", () => {
  it("produces all four outcomes, each hit decided by its own attack-vs-defence roll", () => {
    const seen = new Map<string, number>();
    for (const seed of SEEDS) {
      const { entry } = oneRound(fighter("A"), fighter("B"), { a: "quick", b: "quick" }, seed);
      seen.set(entry.label, (seen.get(entry.label) ?? 0) + 1);
      for (const [side, other] of [
        ["a", "b"],
        ["b", "a"],
      ] as const) {
        const [attack] = rollsOf(entry, side, "attack");
        const [guard] = rollsOf(entry, other, "defence");
        assert.ok(attack && guard);
        assert.equal(entry.hits[side], attack.value > guard.value);
        assert.equal(entry.dealt[side] > 0, entry.hits[side]);
      }
      assert.equal(entry.after.a.hp, fighter("A").hp - entry.dealt.b);
      assert.equal(entry.after.b.hp, fighter("B").hp - entry.dealt.a);
    }
    assert.deepEqual([...seen.keys()].sort(), ["lose/lose", "lose/win", "win/lose", "win/win"]);
    // Equal fighters, equal actions: each attack lands about half the time.
    for (const label of seen.keys()) assert.ok((seen.get(label) ?? 0) > 25, `${label}: ${seen.get(label)}`);
  });

  it("win/win damages both, lose/lose neither", () => {
    const entries = SEEDS.map(
      (seed) => oneRound(fighter("A"), fighter("B"), { a: "grab", b: "quick" }, seed).entry,
    );
    const both = entries.find((e) => e.label === "win/win");
    const neither = entries.find((e) => e.label === "lose/lose");
    assert.ok(both && neither);
    assert.ok(both.dealt.a > 0 && both.dealt.b > 0);
    assert.deepEqual(neither.dealt, { a: 0, b: 0 });
  });

  it("blocking makes no attack but defends harder, and block beats power", () => {
    let powerLandsOnBlock = 0;
    let powerLandsOnQuick = 0;
    for (const seed of SEEDS) {
      const vsBlock = oneRound(fighter("A"), fighter("B"), { a: "power", b: "block" }, seed).entry;
      assert.equal(rollsOf(vsBlock, "b", "attack").length, 0);
      assert.equal(vsBlock.hits.b, false);
      if (vsBlock.hits.a) powerLandsOnBlock++;
      if (oneRound(fighter("A"), fighter("B"), { a: "power", b: "quick" }, seed).entry.hits.a)
        powerLandsOnQuick++;
    }
    assert.ok(powerLandsOnBlock < powerLandsOnQuick / 1.5, `${powerLandsOnBlock} vs ${powerLandsOnQuick}`);
  });

  it("the side whose action wins the table gets the advantage multiplier on its attack", () => {
    const rules = config().interlock;
    const { entry } = oneRound(fighter("A"), fighter("B"), { a: "power", b: "grab" }, 3);
    const [attack] = rollsOf(entry, "a", "attack");
    assert.ok(attack);
    close(
      attack.value,
      attack.u * 100 * rules.actions.power.attack * rules.advantage,
      "power attack on a grab",
    );
    const [guard] = rollsOf(entry, "a", "defence");
    assert.ok(guard);
    close(
      guard.value,
      guard.u * 100 * rules.actions.power.defence * rules.advantage,
      "power's guard vs a grab",
    );
  });
});

describe("interlock: daze", () => {
  it("only a landed quick attack can daze, at about the configured chance", () => {
    let quickHits = 0;
    let dazes = 0;
    for (const seed of SEEDS) {
      const { entry } = oneRound(fighter("A"), fighter("B"), { a: "quick", b: "power" }, seed);
      assert.equal(rollsOf(entry, "b", "daze").length, 0, "power never dazes");
      assert.equal(entry.dazed.a, false);
      const [roll] = rollsOf(entry, "a", "daze");
      assert.equal(Boolean(roll), entry.hits.a);
      if (!roll) continue;
      quickHits++;
      assert.equal(entry.dazed.b, roll.u < config().interlock.dazeChance);
      if (entry.dazed.b) dazes++;
    }
    const rate = dazes / quickHits;
    assert.ok(rate > 0.2 && rate < 0.5, `daze rate ${rate}`);
  });

  it("cuts the dazed fighter's accuracy and defence by the penalty for the next round only", () => {
    const penalty = config().interlock.dazePenalty;
    const dazed = oneRound(fighter("A"), fighter("B"), { a: "quick", b: "quick" }, 5, undefined, {
      dazed: { a: false, b: true },
    }).entry;
    assert.deepEqual(dazed.dazedBefore, { a: false, b: true });
    const [attack] = rollsOf(dazed, "b", "attack");
    const [guard] = rollsOf(dazed, "b", "defence");
    const [fresh] = rollsOf(dazed, "a", "attack");
    assert.ok(attack && guard && fresh);
    close(attack.value, attack.u * 100 * (1 - penalty), "dazed attack");
    close(guard.value, guard.u * 100 * (1 - penalty), "dazed defence");
    close(fresh.value, fresh.u * 100, "undazed attack");
  });

  it("wears off after the round it applies to", () => {
    const rules = config().interlock;
    const fighters = { a: snapshotFighter(fighter("A")), b: snapshotFighter(fighter("B")) };
    const seed = SEEDS.find(
      (s) => oneRound(fighter("A"), fighter("B"), { a: "quick", b: "block" }, s).entry.dazed.b,
    );
    assert.ok(seed !== undefined, "some seed dazes");
    let duel = openDuel(seed, { a: { hp: 500, is: 100 }, b: { hp: 500, is: 100 } });
    const step = (a: InterlockAction, b: InterlockAction) => {
      const r = resolveRound(rules, fighters, duel, { a, b }, NO_EXTERNAL, 0);
      duel = r.duel;
      return r.entry;
    };
    assert.equal(step("quick", "block").dazed.b, true);
    const penalised = step("block", "quick");
    assert.equal(penalised.dazedBefore.b, true);
    assert.equal(penalised.dazed.b, false, "a block cannot daze");
    assert.equal(step("block", "quick").dazedBefore.b, false);
  });

  it("in CR1 a dazed fighter loses its table edge: a plain roll, with the daze penalty", () => {
    const rules = config({ ruleset: "cr1" }).interlock;
    const winners = new Set<string>();
    for (const seed of SEEDS) {
      const { entry } = oneRound(fighter("A"), fighter("B"), { a: "power", b: "grab" }, seed, rules, {
        dazed: { a: true, b: false },
      });
      assert.equal(entry.decidedBy, "roll");
      const [ra] = rollsOf(entry, "a", "rating");
      const [rb] = rollsOf(entry, "b", "rating");
      assert.ok(ra && rb);
      close(ra.value, ra.u * 100 * (1 - rules.dazePenalty), "dazed rating, no edge");
      close(rb.value, rb.u * 100, "fresh rating");
      winners.add(entry.hits.a ? "a" : "b");
    }
    assert.deepEqual([...winners].sort(), ["a", "b"]);
  });

  it("makes a dazed fighter lose noticeably more CR2 exchanges", () => {
    let dazedLands = 0;
    let freshLands = 0;
    for (const seed of SEEDS) {
      const { entry } = oneRound(fighter("A"), fighter("B"), { a: "quick", b: "quick" }, seed, undefined, {
        dazed: { a: true, b: false },
      });
      if (entry.hits.a) dazedLands++;
      if (entry.hits.b) freshLands++;
    }
    assert.ok(dazedLands < freshLands * 0.8, `dazed ${dazedLands} vs fresh ${freshLands}`);
  });
});

describe("interlock: Inner Strength", () => {
  it("a block recovers IS every round, boosted by Belief and capped at the maximum", () => {
    const gain = config().interlock.blockIsGain;
    for (const ruleset of ["cr1", "cr2"] as const) {
      const rules = config({ ruleset }).interlock;
      const plain = oneRound(
        fighter("A", { is: 20 }),
        fighter("B"),
        { a: "block", b: "quick" },
        1,
        rules,
      ).entry;
      assert.equal(plain.after.a.is, 20 + gain);
      const believer = fighter("A", { is: 20, stats: { ...FIVES, belief: 15 } });
      const boosted = oneRound(believer, fighter("B"), { a: "block", b: "power" }, 1, rules).entry;
      close(boosted.after.a.is, 20 + gain * 1.2);
      const full = oneRound(
        fighter("A", { is: 95 }),
        fighter("B"),
        { a: "block", b: "grab" },
        1,
        rules,
      ).entry;
      assert.equal(full.after.a.is, 100);
    }
  });

  it("power and grab cost IS; a fighter who cannot pay throws a quick attack instead", () => {
    const rules = config().interlock;
    const paid = oneRound(
      fighter("A", { is: 50 }),
      fighter("B", { is: 50 }),
      { a: "power", b: "grab" },
      1,
    ).entry;
    assert.deepEqual(paid.actions, { a: "power", b: "grab" });
    assert.equal(paid.after.a.is, 50 - rules.actions.power.isCost);
    assert.equal(paid.after.b.is, 50 - rules.actions.grab.isCost);
    const broke = oneRound(fighter("A", { is: 5 }), fighter("B"), { a: "power", b: "quick" }, 1).entry;
    assert.deepEqual(broke.inputs, { a: "power", b: "quick" });
    assert.equal(broke.actions.a, "quick");
    assert.equal(broke.after.a.is, 5);
  });
});

describe("interlock: withdraw", () => {
  function successRate(a = fighter("A"), b = fighter("B")): number {
    let escaped = 0;
    for (const seed of SEEDS) {
      const { entry } = oneRound(a, b, { a: "withdraw", b: "quick" }, seed);
      assert.equal(rollsOf(entry, "a", "withdraw").length, 1);
      assert.equal(rollsOf(entry, "b", "pursuit").length, 1);
      if (entry.escaped.a) {
        escaped++;
        assert.deepEqual(entry.dealt, { a: 0, b: 0 }, "no blow lands on an escape");
      }
    }
    return escaped / SEEDS.length;
  }

  it("is contested: it succeeds on some seeds and fails on others", () => {
    const rate = successRate();
    assert.ok(rate > 0.2 && rate < 0.6, `equal fighters escape ${rate}`);
  });

  it("succeeds more with better defence and less against a more accurate opponent", () => {
    const base = successRate();
    const nimble = successRate(fighter("A", { defence: { melee: 180, ranged: 100, viral: 100 } }));
    const sharp = successRate(fighter("A"), fighter("B", { style: { accuracy: 180, damage: 50 } }));
    assert.ok(nimble > base + 0.15, `nimble ${nimble} vs ${base}`);
    assert.ok(sharp < base - 0.1, `sharp pursuer ${sharp} vs ${base}`);
  });

  it("lets two fighters who both withdraw part without a contest", () => {
    const { entry } = oneRound(fighter("A"), fighter("B"), { a: "withdraw", b: "withdraw" }, 1);
    assert.deepEqual(entry.escaped, { a: true, b: true });
    assert.equal(entry.rolls.length, 0);
  });

  it("keeps trying every round without new input until another action cancels it", () => {
    const again = oneRound(fighter("A"), fighter("B"), { a: null, b: null }, 1, undefined, {
      lastAction: { a: "withdraw", b: "quick" },
    }).entry;
    assert.deepEqual(again.actions, { a: "withdraw", b: "block" });
    const cancelled = oneRound(fighter("A"), fighter("B"), { a: "grab", b: null }, 1, undefined, {
      lastAction: { a: "withdraw", b: "quick" },
    }).entry;
    assert.equal(cancelled.actions.a, "grab");
  });
});
