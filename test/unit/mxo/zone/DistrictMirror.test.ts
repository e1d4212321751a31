import assert from "node:assert/strict";
import { Encoder, Reflection, StateView } from "@colyseus/schema";
import { DistrictState } from "../../../../schema/DistrictState.js";
import { InterestManager } from "../../../../src/framework/aoi/InterestManager.js";
import { DistrictMirror } from "../../../../src/mxo/zone/DistrictMirror.js";
import type { GameEvent } from "../../../../src/mxo/rules/index.js";
import { editedPack, join, sim } from "../rules/simulation/helpers.js";

/** A district's simulation, its replicated state and interest, as District wires them. */
function setup() {
  const s = sim();
  const state = new DistrictState();
  const interest = new InterestManager({ radius: 100, hysteresis: 1.2, maxVisible: 100 });
  const mirror = new DistrictMirror(s, state, interest);
  return { s, state, interest, mirror };
}

const snap = (v: number) => Math.round(v * 8) / 8;

describe("DistrictMirror (the step's copy into the schema and the interest manager)", () => {
  it("copies what changed each step, including a standing player's teleport and a heal", () => {
    const { s, state, interest, mirror } = setup();
    s.addPlayer(join("walker", 500, 500));
    s.addPlayer(join("stander", 600, 600, { hp: 50 }));
    mirror.addPlayer("walker");
    mirror.addPlayer("stander");
    interest.observe("walker");
    assert.deepEqual([...interest.update("walker").enter], []);
    s.setInput("walker", { seq: 1, moveX: 1, moveY: 0 });
    for (let i = 0; i < 5; i++) {
      s.step();
      mirror.publish();
    }
    const walker = s.player("walker")!;
    const w = state.players.get("walker")!;
    assert.deepEqual([w.x, w.y, w.ack], [snap(walker.x), 500, 1]);
    assert.ok(w.x > 500);
    assert.equal(state.tick, 5);
    // Standing still for steps, then moved and healed between two steps: the next publish shows both.
    const before = state.players.get("stander")!;
    assert.ok(before.hp < before.maxHp);
    s.gmTeleport("stander", { x: 560, y: 540, z: 3 });
    s.gmHeal("stander");
    s.step();
    mirror.publish();
    const stander = state.players.get("stander")!;
    assert.deepEqual([stander.x, stander.y, stander.z, stander.hp], [560, 540, 3, stander.maxHp]);
    // The interest manager got the same positions: the walker, 100 units off before, sees the stander now.
    assert.deepEqual([...interest.update("walker").enter], ["stander"]);
  });

  it("a player removed leaves the schema, and a new one under the same id starts fresh", () => {
    const { s, state, mirror } = setup();
    s.addPlayer(join("p", 100, 100));
    mirror.addPlayer("p");
    s.step();
    mirror.publish();
    s.removePlayer("p");
    mirror.removePlayer("p");
    assert.equal(state.players.get("p"), undefined);
    s.addPlayer(join("p", 100, 100));
    const again = mirror.addPlayer("p")!;
    s.step();
    mirror.publish();
    // Same values as the entry that left had: written to the new entry all the same.
    assert.deepEqual([again.x, again.y, again.hp], [100, 100, s.player("p")!.hp]);
    assert.equal(state.players.get("p"), again);
  });

  it("an NPC replaced under its id in one step (a zone given another template) reaches every view that held it", () => {
    const { s, state, interest, mirror } = setup();
    const encoder = new Encoder(state);
    // What StepEffects does with the simulation's NPC events.
    const apply = (events: readonly GameEvent[]) => {
      for (const e of events) {
        if (e.kind === "npc_spawned") mirror.npcSpawned(e.npcId);
        if (e.kind === "npc_despawned") mirror.npcDespawned(e.npcId);
      }
    };
    apply(s.step());
    mirror.publish();
    const ids = [0, 1, 2].map((i) => `rl-z-mara-lookouts:${i}`);
    // A client whose view holds the zone's NPCs, and has had them sent.
    const view = new StateView();
    for (const id of ids) view.add(state.npcs.get(id)!);
    const decoder = Reflection.decode<DistrictState>(Reflection.encode(encoder));
    const it = { offset: 0 };
    const shared = encoder.encodeAll(it).length;
    decoder.decode(encoder.encodeAllView(view, shared, { ...it }));
    view.changes.clear();
    encoder.discardChanges();
    const patch = () => {
      const it = { offset: 0 };
      const shared = encoder.encode(it).length;
      decoder.decode(encoder.encodeView(view, shared, it).slice());
      encoder.discardChanges();
    };
    assert.equal(decoder.state.npcs.get(ids[0]!)?.template, "rl-la-lookout");

    const replaced = s.applyContent(
      editedPack((json) => {
        const richland = json.districts.find((d: any) => d.id === "richland");
        richland.spawnZones.find((z: any) => z.id === "rl-z-mara-lookouts").template = "rl-informant";
      }),
    );
    apply(replaced.events);
    apply(s.step());
    mirror.publish();
    patch();
    for (const id of ids) {
      const seen = decoder.state.npcs.get(id);
      assert.deepEqual([seen?.template, seen?.name], ["rl-informant", "Nervous Informant"], id);
      assert.ok(interest.grid.entry(id), `${id} is still in the interest manager`);
    }

    // A despawn alone leaves the state, the view and the interest manager at the end of its step.
    const shrunk = s.applyContent(
      editedPack((json) => {
        const richland = json.districts.find((d: any) => d.id === "richland");
        const zone = richland.spawnZones.find((z: any) => z.id === "rl-z-mara-lookouts");
        zone.template = "rl-informant";
        zone.count = 1;
      }),
    );
    apply(shrunk.events);
    apply(s.step());
    mirror.publish();
    patch();
    assert.deepEqual(
      [...decoder.state.npcs.keys()].filter((id) => ids.includes(id)),
      [ids[0]],
    );
    for (const id of ids.slice(1)) {
      assert.equal(state.npcs.get(id), undefined, id);
      assert.equal(interest.grid.entry(id), undefined, id);
    }
  });
});
