import assert from "node:assert/strict";
import {
  abandonMission,
  acceptMission,
  applyEvent,
  completeIfDone,
  createMissionState,
  escortArrived,
  isMissionDone,
  MAX_ACTIVE_MISSIONS,
} from "../../../../../src/mxo/rules/missions/missionRules.js";
import type { MissionDef, MissionResult, MissionState } from "../../../../../src/mxo/rules/missions/types.js";

const MEET_MORPHEUS: MissionDef = {
  id: "wake_up",
  minLevel: 1,
  repeatable: false,
  objectives: [{ kind: "meet", contact: "morpheus" }],
  rewards: { xp: 100, items: [{ item: "redpill", count: 1 }], reputation: { zion: 20 } },
};

const CLEAR_ALLEY: MissionDef = {
  id: "clear_alley",
  minLevel: 3,
  repeatable: true,
  objectives: [
    { kind: "eliminate", template: "lurker", count: 3 },
    { kind: "collect", item: "code_fragment", count: 2 },
  ],
  rewards: { xp: 250, items: [], reputation: { zion: 10, machines: -5 } },
};

const ESCORT: MissionDef = {
  id: "get_her_out",
  minLevel: 5,
  repeatable: false,
  objectives: [{ kind: "escort", template: "redpill_npc", to: { x: 100, y: 200, radius: 5 } }],
  rewards: { xp: 500, items: [], reputation: { zion: 50 } },
};

function ok(result: MissionResult): MissionState {
  assert.ok(result.ok, `expected ok, got ${result.ok ? "" : result.error}`);
  return result.state;
}

function filler(i: number): MissionDef {
  return { ...MEET_MORPHEUS, id: `filler_${i}` };
}

describe("missions: acceptMission", () => {
  it("adds the mission with zero progress and copies of its objectives and rewards", () => {
    const before = createMissionState();
    const after = ok(acceptMission(before, CLEAR_ALLEY, 3));
    assert.deepEqual(before, createMissionState(), "input untouched");
    assert.deepEqual(after.active, [
      {
        missionId: "clear_alley",
        objectives: [
          { objective: { kind: "eliminate", template: "lurker", count: 3 }, progress: 0 },
          { objective: { kind: "collect", item: "code_fragment", count: 2 }, progress: 0 },
        ],
        rewards: CLEAR_ALLEY.rewards,
      },
    ]);
    assert.notEqual(after.active[0]!.rewards, CLEAR_ALLEY.rewards, "a copy, not the content object");
  });

  it("refuses an unknown mission", () => {
    assert.deepEqual(acceptMission(createMissionState(), undefined, 50), {
      ok: false,
      error: "unknown_mission",
    });
  });

  it("refuses a mission already active", () => {
    const s = ok(acceptMission(createMissionState(), MEET_MORPHEUS, 1));
    assert.deepEqual(acceptMission(s, MEET_MORPHEUS, 1), { ok: false, error: "already_active" });
  });

  it("refuses a completed mission unless it is repeatable", () => {
    const s: MissionState = { active: [], completed: { wake_up: 1, clear_alley: 4 } };
    assert.deepEqual(acceptMission(s, MEET_MORPHEUS, 1), { ok: false, error: "already_completed" });
    ok(acceptMission(s, CLEAR_ALLEY, 3));
  });

  it("refuses a player below the minimum level", () => {
    assert.deepEqual(acceptMission(createMissionState(), CLEAR_ALLEY, 2), {
      ok: false,
      error: "level_too_low",
    });
    assert.deepEqual(acceptMission(createMissionState(), CLEAR_ALLEY, Number.NaN), {
      ok: false,
      error: "level_too_low",
    });
  });

  it(`refuses more than ${MAX_ACTIVE_MISSIONS} active missions`, () => {
    let s = createMissionState();
    for (let i = 0; i < MAX_ACTIVE_MISSIONS; i++) s = ok(acceptMission(s, filler(i), 1));
    assert.deepEqual(acceptMission(s, CLEAR_ALLEY, 10), { ok: false, error: "too_many_active" });
    s = ok(abandonMission(s, "filler_0"));
    ok(acceptMission(s, CLEAR_ALLEY, 10));
  });
});

describe("missions: abandonMission", () => {
  it("drops the mission and its progress; it can be taken again from scratch", () => {
    let s = ok(acceptMission(createMissionState(), CLEAR_ALLEY, 3));
    s = applyEvent(s, { kind: "kill", template: "lurker" });
    s = ok(abandonMission(s, "clear_alley"));
    assert.deepEqual(s.active, []);
    assert.deepEqual(s.completed, {}, "abandoning is not completing");
    s = ok(acceptMission(s, CLEAR_ALLEY, 3));
    assert.equal(s.active[0]!.objectives[0]!.progress, 0);
  });

  it("refuses a mission that is not active", () => {
    assert.deepEqual(abandonMission(createMissionState(), "wake_up"), { ok: false, error: "not_active" });
  });
});

describe("missions: applyEvent", () => {
  it("meet: the right contact completes the objective", () => {
    let s = ok(acceptMission(createMissionState(), MEET_MORPHEUS, 1));
    assert.equal(applyEvent(s, { kind: "meet", contact: "trinity" }), s, "unrelated: same object back");
    s = applyEvent(s, { kind: "meet", contact: "morpheus" });
    assert.equal(s.active[0]!.objectives[0]!.progress, 1);
    assert.ok(isMissionDone(s.active[0]!));
  });

  it("eliminate: counts kills of the template, capped at the count", () => {
    let s = ok(acceptMission(createMissionState(), CLEAR_ALLEY, 3));
    s = applyEvent(s, { kind: "kill", template: "agent" });
    assert.equal(s.active[0]!.objectives[0]!.progress, 0);
    for (let i = 0; i < 5; i++) s = applyEvent(s, { kind: "kill", template: "lurker" });
    assert.equal(s.active[0]!.objectives[0]!.progress, 3);
    assert.equal(isMissionDone(s.active[0]!), false, "the collect objective is still open");
  });

  it("collect: counts items up and down, never below zero", () => {
    let s = ok(acceptMission(createMissionState(), CLEAR_ALLEY, 3));
    const progress = () => s.active[0]!.objectives[1]!.progress;
    s = applyEvent(s, { kind: "item", item: "code_fragment", count: 3 });
    assert.equal(progress(), 3);
    s = applyEvent(s, { kind: "item", item: "code_fragment", count: -1 });
    assert.equal(progress(), 2, "still holds enough");
    s = applyEvent(s, { kind: "item", item: "code_fragment", count: -10 });
    assert.equal(progress(), 0);
    s = applyEvent(s, { kind: "item", item: "other", count: 5 });
    assert.equal(progress(), 0);
  });

  it("escort: the escorted event for the template completes it; escortArrived tests the circle", () => {
    let s = ok(acceptMission(createMissionState(), ESCORT, 5));
    const objective = ESCORT.objectives[0]!;
    assert.ok(objective.kind === "escort");
    assert.equal(escortArrived(objective, 103, 204), true);
    assert.equal(escortArrived(objective, 104, 204), false);
    s = applyEvent(s, { kind: "escorted", template: "someone_else" });
    assert.equal(isMissionDone(s.active[0]!), false);
    s = applyEvent(s, { kind: "escorted", template: "redpill_npc" });
    assert.equal(isMissionDone(s.active[0]!), true);
  });

  it("advances every active mission the event matches, leaving the input untouched", () => {
    const twin: MissionDef = { ...CLEAR_ALLEY, id: "clear_alley_2" };
    let s = ok(acceptMission(createMissionState(), CLEAR_ALLEY, 3));
    s = ok(acceptMission(s, twin, 3));
    s = ok(acceptMission(s, MEET_MORPHEUS, 3));
    const before = structuredClone(s);
    const after = applyEvent(s, { kind: "kill", template: "lurker" });
    assert.deepEqual(s, before);
    assert.deepEqual(
      after.active.map((m) => m.objectives[0]!.progress),
      [1, 1, 0],
    );
    assert.equal(after.active[2], s.active[2], "untouched missions are shared, not copied");
  });
});

describe("missions: completeIfDone", () => {
  it("returns null while objectives are open, or for a mission not active", () => {
    const s = ok(acceptMission(createMissionState(), CLEAR_ALLEY, 3));
    assert.equal(completeIfDone(s, "clear_alley"), null);
    assert.equal(completeIfDone(s, "wake_up"), null);
  });

  it("completes: rewards, handed-in items, completion count, mission no longer active", () => {
    let s = ok(acceptMission(createMissionState(), CLEAR_ALLEY, 3));
    for (let i = 0; i < 3; i++) s = applyEvent(s, { kind: "kill", template: "lurker" });
    s = applyEvent(s, { kind: "item", item: "code_fragment", count: 2 });
    const done = completeIfDone(s, "clear_alley");
    assert.ok(done);
    assert.deepEqual(done.rewards, { xp: 250, items: [], reputation: { zion: 10, machines: -5 } });
    assert.deepEqual(done.consumed, [{ item: "code_fragment", count: 2 }]);
    assert.equal(done.completion, 1);
    assert.deepEqual(done.state, { active: [], completed: { clear_alley: 1 } });
    assert.equal(s.active.length, 1, "input untouched");

    // Repeatable: a second run is completion 2 (a distinct reward idempotency key).
    let again = ok(acceptMission(done.state, CLEAR_ALLEY, 3));
    for (let i = 0; i < 3; i++) again = applyEvent(again, { kind: "kill", template: "lurker" });
    again = applyEvent(again, { kind: "item", item: "code_fragment", count: 2 });
    assert.equal(completeIfDone(again, "clear_alley")?.completion, 2);
  });

  it("a non-repeatable mission cannot be taken again once completed", () => {
    let s = ok(acceptMission(createMissionState(), MEET_MORPHEUS, 1));
    s = applyEvent(s, { kind: "meet", contact: "morpheus" });
    const done = completeIfDone(s, "wake_up");
    assert.ok(done);
    assert.deepEqual(done.rewards.items, [{ item: "redpill", count: 1 }]);
    assert.deepEqual(acceptMission(done.state, MEET_MORPHEUS, 1), { ok: false, error: "already_completed" });
  });

  it("rewards come from the accepted copy, not from content changed since", () => {
    const def = structuredClone(MEET_MORPHEUS);
    let s = ok(acceptMission(createMissionState(), def, 1));
    def.rewards.xp = 1;
    def.objectives.push({ kind: "meet", contact: "oracle" });
    s = applyEvent(s, { kind: "meet", contact: "morpheus" });
    assert.equal(completeIfDone(s, "wake_up")?.rewards.xp, 100);
  });
});
