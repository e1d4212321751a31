import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  beats,
  interlockResult,
  replayInterlock,
  useAbility,
  type InterlockAction,
  type InterlockLog,
  type Ruleset,
} from "../../../../../src/mxo/rules/combat/index.js";
import { recordFight } from "./fixtures/recordFight.js";
import { FIVES, clone, config, fighter, fight, randomChooser, world, type Chooser } from "./helpers.js";

function fixture(name: string): InterlockLog {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8")) as InterlockLog;
}

// Mostly attacks, some missed inputs, a rare withdraw (it repeats until it works, so it is kept rare).
const CHOICES: (InterlockAction | null)[] = [
  ...(["quick", "power", "grab", "block"] as const).flatMap((a) => [a, a, a, a, a, a]),
  null,
  null,
  null,
  null,
  "withdraw",
];

/** A random fight with random inputs, and a bystander shooting into it now and then. */
function randomFight(seed: number, ruleset: Ruleset): InterlockLog {
  const style = { accuracy: 100, damage: 80 };
  const a = fighter("a", {
    level: 8 + (seed % 5),
    stats: { ...FIVES, focus: 5 + (seed % 7), belief: 5 + (seed % 3) },
    style,
  });
  const b = fighter("b", { level: 9 + (seed % 4), stats: { ...FIVES, vitality: 5 + (seed % 6) }, is: 30 });
  const { state, positions } = world(seed, [a, b, fighter("s")], config({ ruleset }));
  const pick = randomChooser(seed ^ 0x5eed, CHOICES);
  const choose: Chooser = (round, id) => {
    if (id === "a" && round % 3 === 0)
      useAbility(state, "s", "pistol", seed % 2 ? "a" : "b", state.tick, positions);
    return pick(round, id);
  };
  return clone(fight(state, positions, "a", "b", choose).log);
}

describe("interlock replay", () => {
  for (const name of ["cr2-fight.json", "cr1-fight.json"]) {
    it(`replays the recorded fixture ${name} to the identical log and result`, () => {
      const recorded = fixture(name);
      assert.ok(recorded.rounds.length > 10);
      const { log, result } = replayInterlock(recorded);
      assert.deepEqual(log, recorded);
      assert.deepEqual(result, interlockResult(recorded));
      assert.ok(
        recorded.rounds.some((r) => r.external.b.hp < 0),
        "the fixture includes outside damage",
      );
    });
  }

  it("records the same fixtures again from the live system (the rules have not drifted)", () => {
    assert.deepEqual(clone(recordFight("cr2", 20240601)), fixture("cr2-fight.json"));
    assert.deepEqual(clone(recordFight("cr1", 19990334)), fixture("cr1-fight.json"));
  });

  for (const ruleset of ["cr2", "cr1"] as const) {
    it(`${ruleset}: over 150 seeds a replay reproduces the live log exactly (after a JSON trip)`, () => {
      const reasons = new Set<string>();
      for (let seed = 1; seed <= 150; seed++) {
        const original = randomFight(seed, ruleset);
        const { log, result } = replayInterlock(original);
        assert.deepEqual(log, original, `seed ${seed}`);
        assert.equal(result.winner, original.end?.winner ?? null);
        assert.equal(result.rounds, original.rounds.length);
        const outside = original.end?.external.a.hp || original.end?.external.b.hp ? "+outside" : "";
        reasons.add(`${original.end?.reason}${outside}`);
      }
      for (const reason of ["death", "withdrew", "death+outside"])
        assert.ok(reasons.has(reason), [...reasons].join());
    });
  }

  it("the same seed and inputs give the same fight; another seed gives another", () => {
    assert.deepEqual(randomFight(77, "cr2"), randomFight(77, "cr2"));
    assert.notDeepEqual(randomFight(77, "cr2").rounds[0]?.rolls, randomFight(78, "cr2").rounds[0]?.rolls);
  });

  it("refuses a log of another version instead of replaying it under today's rules", () => {
    const old = { ...clone(fixture("cr1-fight.json")), version: 1 } as unknown as InterlockLog;
    assert.throws(() => replayInterlock(old), /version 1 cannot be replayed/);
  });

  it("the CR1 fixture rolls every fought round, and the tactic edge both wins and loses in it", () => {
    const rounds = fixture("cr1-fight.json").rounds.filter((r) => r.decidedBy === "table");
    assert.ok(rounds.length > 0);
    for (const r of rounds) assert.equal(r.rolls.filter((x) => x.kind === "rating").length, 2);
    const favouredWon = rounds.map((r) => r.hits[beats(r.actions.a, r.actions.b) ? "a" : "b"]);
    assert.ok(favouredWon.includes(true) && favouredWon.includes(false), String(favouredWon));
  });

  it("detects a tampered log: changed inputs or seed no longer replay to the record", () => {
    const recorded = fixture("cr2-fight.json");
    const otherInput = clone(recorded);
    const first = otherInput.rounds[0];
    assert.ok(first);
    first.inputs.a = first.inputs.a === "power" ? "block" : "power";
    assert.notDeepEqual(replayInterlock(otherInput).log, otherInput);
    const otherSeed = { ...clone(recorded), seed: recorded.seed + 1 };
    assert.notDeepEqual(replayInterlock(otherSeed).log, otherSeed);
    const forgedRoll = clone(recorded);
    const roll = forgedRoll.rounds[3]?.rolls[0];
    assert.ok(roll);
    roll.u = 0.999;
    assert.notDeepEqual(replayInterlock(forgedRoll).log, forgedRoll);
  });
});
