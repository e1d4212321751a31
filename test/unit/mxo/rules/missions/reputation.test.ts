import assert from "node:assert/strict";
import {
  applyReputationRewards,
  changeReputation,
  REPUTATION_MAX,
  REPUTATION_MIN,
  STARTING_REPUTATION,
  type Reputation,
} from "../../../../../src/mxo/rules/missions/reputation.js";

describe("missions: reputation", () => {
  it("everyone starts Zion-aligned", () => {
    assert.deepEqual(STARTING_REPUTATION, { zion: 100, machines: 0, merovingian: 0 });
  });

  it("a gain of N with one organization costs N/2 with each of the others", () => {
    assert.deepEqual(changeReputation(STARTING_REPUTATION, "machines", 40), {
      zion: 80,
      machines: 40,
      merovingian: -20,
    });
  });

  it("odd gains round the cost toward zero", () => {
    assert.deepEqual(changeReputation(STARTING_REPUTATION, "merovingian", 5), {
      zion: 98,
      machines: -2,
      merovingian: 5,
    });
    assert.deepEqual(changeReputation(STARTING_REPUTATION, "zion", 1), {
      zion: 101,
      machines: 0,
      merovingian: 0,
    });
  });

  it("a loss lowers only that organization", () => {
    assert.deepEqual(changeReputation(STARTING_REPUTATION, "zion", -30), {
      zion: 70,
      machines: 0,
      merovingian: 0,
    });
  });

  it("clamps to [-1000, 1000]; the cost to others applies even at the cap", () => {
    const near: Reputation = { zion: 990, machines: -995, merovingian: 0 };
    assert.deepEqual(changeReputation(near, "zion", 40), {
      zion: REPUTATION_MAX,
      machines: REPUTATION_MIN,
      merovingian: -20,
    });
    assert.deepEqual(changeReputation({ zion: -990, machines: 0, merovingian: 0 }, "zion", -50), {
      zion: REPUTATION_MIN,
      machines: 0,
      merovingian: 0,
    });
  });

  it("ignores non-finite amounts, truncates fractions, never mutates its input", () => {
    const rep = { ...STARTING_REPUTATION };
    assert.deepEqual(changeReputation(rep, "zion", Number.NaN), rep);
    assert.deepEqual(changeReputation(rep, "zion", 3.9), { zion: 103, machines: -1, merovingian: -1 });
    assert.deepEqual(rep, STARTING_REPUTATION);
  });

  it("applyReputationRewards applies each organization's amount in turn", () => {
    assert.deepEqual(applyReputationRewards(STARTING_REPUTATION, { zion: 10, machines: -5 }), {
      zion: 110,
      machines: -10,
      merovingian: -5,
    });
    assert.deepEqual(applyReputationRewards(STARTING_REPUTATION, {}), STARTING_REPUTATION);
  });
});
