import assert from "node:assert/strict";
import { assertOk, assertRefused, district, join, ofKind, run, sim } from "./helpers.js";

/** Richland with PvP on; two players 10 units apart on an empty patch. */
function pair() {
  const s = sim({ ...district("richland"), pvp: true });
  s.addPlayer(join("a", 200, 200, { level: 20 }));
  s.addPlayer(join("b", 210, 200, { level: 20 }));
  s.step();
  return s;
}

describe("game: support abilities (heals, buffs, debuffs, movement)", () => {
  it("sprint makes its caster faster for its duration, then not", () => {
    const s = pair();
    assertOk(s.setLoadout("a", ["a-sprint"]) as never);
    let seq = 0;
    const walk = (ticks: number) => {
      const x0 = s.player("a")!.x;
      run(s, ticks, () => s.setInput("a", { seq: ++seq, moveX: 1, moveY: 0 }));
      return s.player("a")!.x - x0;
    };
    const normal = walk(20);
    assertOk(s.useAbility("a", "a-sprint", ""));
    const sprinting = walk(20);
    assert.ok(Math.abs(sprinting / normal - 1.5) < 0.05, `${sprinting} vs ${normal}`);
    assertRefused(s.useAbility("a", "a-sprint", ""), "on_cooldown");
    run(s, 20 * 10);
    const after = walk(20);
    assert.ok(Math.abs(after / normal - 1) < 0.05, "back to normal speed");
  });

  it("a heal restores HP on an ally in range, never above max, and spends Inner Strength", () => {
    const s = pair();
    assertOk(s.setLoadout("a", ["hk-restore"]) as never);
    s.gmSetStat("b", "hp", 20);
    const isBefore = s.player("a")!.is;
    assertOk(s.useAbility("a", "hk-restore", "b"));
    const [effect] = ofKind(s.step(), "effect");
    assert.equal(effect!.targetId, "b");
    assert.ok(effect!.healed! >= 60 && effect!.healed! <= 120, `healed ${effect!.healed}`);
    assert.equal(s.player("b")!.hp, 20 + effect!.healed!);
    assert.ok(s.player("a")!.is < isBefore);
    s.gmTeleport("b", { x: 260, y: 200, z: 0 });
    run(s, 20 * 13);
    assertRefused(s.useAbility("a", "hk-restore", "b"), "out_of_range");
  });

  it("a debuff lowers an enemy's defence, so the same shots land more often", () => {
    const hits = (debuff: boolean) => {
      const s = pair();
      s.setLoadout("a", ["a-shot", "cd-code-analysis"]);
      if (debuff) assertOk(s.useAbility("a", "cd-code-analysis", "b"));
      let landed = 0;
      for (let i = 0; i < 40; i++) {
        s.gmHeal("b");
        s.gmHeal("a");
        s.useAbility("a", "a-shot", "b");
        landed += ofKind(run(s, 20 * 2), "combat").filter((e) => e.event.type === "damage").length;
      }
      return landed;
    };
    const plain = hits(false);
    const debuffed = hits(true);
    assert.ok(debuffed >= plain, `debuffed ${debuffed} vs plain ${plain}`);
  });

  it("refuses what is not loaded, a dead target, and targets the wrong side", () => {
    const s = pair();
    assertRefused(s.useAbility("a", "a-sprint", ""), "not_in_loadout");
    s.setLoadout("a", ["cd-code-analysis", "hk-restore"]);
    assertRefused(s.useAbility("a", "cd-code-analysis", ""), "invalid_target");
    assertRefused(s.useAbility("a", "hk-restore", "nobody"), "invalid_target");
  });
});

describe("game: stealth", () => {
  it("an aggressive NPC ignores a stealthed player beside it, until the player attacks", () => {
    const s = sim();
    s.step();
    const npc = s.npcs().find((n) => n.template === "rl-la-lookout")!;
    s.addPlayer(join("spy", npc.x + 40, npc.y, { level: 20 }));
    assertOk(s.setLoadout("spy", ["sp-shadow-step", "a-shot"]) as never);
    assertOk(s.useAbility("spy", "sp-shadow-step", ""));
    s.gmTeleport("spy", { x: npc.x + 2, y: npc.y, z: 0 });
    run(s, 20 * 3);
    const calm = s.npc(npc.id)!;
    assert.ok(calm.state !== "chase" && calm.state !== "attack", `stayed ${calm.state}`);
    assertOk(s.useAbility("spy", "a-shot", npc.id));
    run(s, 5);
    const angry = s.npc(npc.id)!;
    assert.ok(angry.state === "chase" || angry.state === "attack" || angry.state === "dead", angry.state);
  });
});
