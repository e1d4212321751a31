import assert from "node:assert/strict";
import type { CharacterSheet } from "../../src/mxo/contract/serverMessages.js";
import { STAT_ORDER, sheetChange, sheetView } from "../src/play/characterSheetView.js";

const SHEET: CharacterSheet = {
  level: 3,
  experience: 350,
  nextLevelAt: 400,
  stats: { focus: 6, perception: 5, reason: 5, belief: 5, vitality: 5 },
  unspentPoints: 1,
  derived: {
    stats: { focus: 8, perception: 5, reason: 5, belief: 5, vitality: 5 },
    maxHp: 250,
    maxIs: 110,
    accuracy: 0.734,
    damage: 1.06,
    defence: 104.4,
    resistance: { melee: 20, ranged: 22.4, viral: 20 },
  },
};

describe("character sheet view (play client)", () => {
  it("shows experience to the next level and the points left to spend", () => {
    const v = sheetView(SHEET);
    assert.equal(v.level, 3);
    assert.equal(v.experience, "350 / 400 xp (50 to level 4)");
    assert.equal(v.unspentText, "1 point to spend");
    assert.equal(sheetView({ ...SHEET, unspentPoints: 2 }).unspentText, "2 points to spend");
    assert.equal(
      sheetView({ ...SHEET, nextLevelAt: null, experience: 12000 }).experience,
      "12,000 xp (top level)",
    );
  });

  it("lists the five attributes in order, with equipment bonuses apart, allocatable only with points", () => {
    const v = sheetView(SHEET);
    assert.deepEqual(
      v.stats.map((s) => s.stat),
      [...STAT_ORDER],
    );
    const focus = v.stats[0]!;
    assert.deepEqual([focus.base, focus.effective, focus.gear], [6, 8, "+2 from equipment"]);
    assert.equal(v.stats[1]!.gear, "");
    assert.ok(v.stats.every((s) => s.canAllocate));
    const spent = sheetView({ ...SHEET, unspentPoints: 0 });
    assert.ok(spent.stats.every((s) => !s.canAllocate));
    assert.equal(spent.unspentText, "");
  });

  it("formats the derived figures for reading", () => {
    const d = Object.fromEntries(sheetView(SHEET).derived.map((x) => [x.label, x.value]));
    assert.deepEqual(d, {
      Health: "250",
      "Inner Strength": "110",
      Accuracy: "73%",
      Damage: "×1.06",
      Defence: "104",
      Resistance: "melee 20 · ranged 22 · viral 20",
    });
  });

  it("announces a level gained with its points, and points granted, but not spending or the first sheet", () => {
    assert.equal(sheetChange(undefined, SHEET), undefined);
    assert.equal(
      sheetChange({ ...SHEET, level: 2, unspentPoints: 0 }, SHEET),
      "Level 3: 1 attribute point to spend.",
    );
    assert.equal(
      sheetChange(SHEET, { ...SHEET, level: 5, unspentPoints: 3 }),
      "Level 5: 3 attribute points to spend.",
    );
    assert.equal(sheetChange({ ...SHEET, unspentPoints: 0 }, SHEET), "You have 1 attribute point to spend.");
    assert.equal(sheetChange(SHEET, { ...SHEET, unspentPoints: 0 }), undefined, "a point spent");
    assert.equal(sheetChange(SHEET, { ...SHEET, experience: 390 }), undefined, "experience alone");
  });
});
