import assert from "node:assert/strict";
import { firstNpc, join, run, sim } from "./helpers.js";

describe("DistrictSimulation views", () => {
  it("builds players() and npcs() once per change: the room's copy and its interest pass share them", () => {
    const s = sim();
    s.addPlayer(join("p1", 100, 100));
    s.step();
    assert.equal(s.players(), s.players());
    assert.equal(s.npcs(), s.npcs());
  });

  it("a change between two calls gives fresh views, and views handed out earlier keep their values", () => {
    const s = sim();
    s.addPlayer(join("p1", 100, 100));
    s.addPlayer(join("p2", 120, 100));
    s.step();
    const before = s.players();
    const p1 = before.find((p) => p.sessionId === "p1")!;

    s.gmTeleport("p1", { x: 300, y: 310, z: 2 });
    const moved = s.players().find((p) => p.sessionId === "p1")!;
    assert.deepEqual([moved.x, moved.y, moved.z], [300, 310, 2]);
    assert.deepEqual([p1.x, p1.y, p1.z], [100, 100, 0], "an earlier view is a snapshot");

    assert.equal(s.awardExperience("p1", 500), true);
    assert.equal(s.players().find((p) => p.sessionId === "p1")!.experience, 500);

    s.gmSetStat("p2", "hp", 7);
    assert.equal(s.players().find((p) => p.sessionId === "p2")!.hp, 7);

    s.removePlayer("p2");
    assert.deepEqual(
      s.players().map((p) => p.sessionId),
      ["p1"],
    );
    s.addPlayer(join("p3", 130, 100));
    assert.deepEqual(
      s.players().map((p) => p.sessionId),
      ["p1", "p3"],
    );

    const npcs = s.npcs();
    const npc = firstNpc(s, "rl-la-lookout");
    s.gmSpawn(npc.template, 1, { x: 50, y: 50, z: 0 });
    s.step();
    assert.notEqual(s.npcs(), npcs);
    assert.equal(s.npcs().length, npcs.length + 1);
  });

  it("each step's views are the state after that step", () => {
    const s = sim();
    s.addPlayer(join("p1", 100, 100));
    for (let seq = 1; seq <= 5; seq++) {
      s.setInput("p1", { seq, moveX: 1, moveY: 0 });
      run(s, 1);
      const view = s.players()[0]!;
      assert.equal(view.ack, seq);
      assert.deepEqual(view, s.player("p1"));
    }
  });
});
