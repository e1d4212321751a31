import assert from "node:assert/strict";
import { join, ofKind, run, runUntil, sim } from "./helpers.js";

const DESTINATION = { x: 300, y: 200, radius: 15 };

describe("game: escorts", () => {
  it("the escorted NPC follows its player and reports arriving at the destination, then leaves", () => {
    const s = sim();
    s.addPlayer(join("p", 200, 200));
    const npcId = s.startEscort("p", "rl-informant", DESTINATION)!;
    assert.ok(npcId);
    const spawned = ofKind(s.step(), "npc_spawned");
    assert.ok(spawned.some((e) => e.npcId === npcId && e.template === "rl-informant"));
    let seq = 0;
    const events = runUntil(
      s,
      (ev) => ofKind(ev, "escorted").length > 0,
      20 * 60,
      () => s.setInput("p", { seq: ++seq, moveX: 1, moveY: 0 }),
    );
    const [arrived] = ofKind(events, "escorted");
    assert.equal(arrived!.sessionId, "p");
    assert.equal(arrived!.template, "rl-informant");
    // It stayed close behind the player all the way.
    const npc = s.npc(npcId);
    if (npc) assert.ok(Math.abs(npc.x - DESTINATION.x) <= DESTINATION.radius);
    assert.ok(
      ofKind(run(s, 2), "npc_despawned").some((e) => e.npcId === npcId),
      "it leaves",
    );
    assert.deepEqual(s.escortsOf("p"), []);
  });

  it("an escort never wanders off on its own and goes when its player leaves", () => {
    const s = sim();
    s.addPlayer(join("p", 200, 200));
    const npcId = s.startEscort("p", "rl-informant", DESTINATION)!;
    run(s, 100);
    const npc = s.npc(npcId)!;
    assert.ok(Math.hypot(npc.x - 200, npc.y - 200) <= 3, "waits by its standing player");
    s.removePlayer("p");
    assert.ok(ofKind(run(s, 2), "npc_despawned").some((e) => e.npcId === npcId));
  });

  it("refuses an unknown template or player", () => {
    const s = sim();
    s.addPlayer(join("p", 200, 200));
    assert.equal(s.startEscort("p", "no-such-npc", DESTINATION), undefined);
    assert.equal(s.startEscort("ghost", "rl-informant", DESTINATION), undefined);
  });
});
