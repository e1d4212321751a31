import assert from "node:assert/strict";
import { inspectSummary } from "../src/admin/inspectSummary.js";

const byKey = (data: unknown) => Object.fromEntries(inspectSummary(data).map((l) => [l.key, l.value]));

describe("inspect summary (admin inspector)", () => {
  it("shows attributes in order, unspent points, equipment by slot and the team, when present", () => {
    const lines = byKey({
      name: "Neo",
      stats: { vitality: 5, focus: 7, perception: 5, reason: 5, belief: 6 },
      unspentPoints: 2,
      equipment: { shoes: "boots", weapon: "w-katana", head: null },
      derived: { maxHp: 250, maxIs: 110, accuracy: 0.734, damage: 1.06, defence: 104.4, stats: {} },
      team: { leader: "Morpheus", members: ["Morpheus", "Neo", "Trinity"] },
    });
    assert.deepEqual(lines, {
      attributes: "focus 7 · perception 5 · reason 5 · belief 6 · vitality 5",
      points: "2",
      equipment: "weapon: w-katana · shoes: boots",
      derived: "HP 250 · IS 110 · accuracy 73% · damage ×1.06 · defence 104",
      team: "Morpheus ★, Neo, Trinity (3)",
    });
  });

  it("leaves out what the report does not carry, and says none for empty equipment and no team", () => {
    assert.deepEqual(byKey({ name: "Neo" }), {});
    assert.deepEqual(byKey({ equipment: {}, team: null }), {
      equipment: "nothing equipped",
      team: "not in a team",
    });
    assert.deepEqual(inspectSummary(null), []);
  });

  it("reads equipment given as a list of named items, and other names for the points", () => {
    const lines = byKey({
      attributePoints: 0,
      equipment: [
        { slot: "jacket", itemId: "c-trench", name: "Trench Coat" },
        { slot: "weapon", itemId: "w-pistol", name: "Pistol" },
      ],
    });
    assert.deepEqual(lines, {
      points: "0",
      equipment: "weapon: Pistol (w-pistol) · jacket: Trench Coat (c-trench)",
    });
  });
});
