import assert from "node:assert/strict";
import { Encoder, Reflection, StateView } from "@colyseus/schema";
import { DistrictState } from "../../schema/DistrictState.js";
import { PlayerState } from "../../schema/PlayerState.js";
import { WORLD_EXTENT } from "../../schema/wireDomains.js";

interface Setup {
  encoder: Encoder<DistrictState>;
  view: StateView;
  state: DistrictState;
  player: PlayerState;
  full: Uint8Array;
}

/** A state with one player in one client's view, fully encoded once (as on join), changes discarded. */
function setup(): Setup {
  const state = new DistrictState();
  const player = new PlayerState();
  player.x = 100;
  player.y = 200;
  state.players.set("a", player);
  const encoder = new Encoder(state);
  const view = new StateView();
  view.add(player);
  const it = { offset: 0 };
  const shared = encoder.encodeAll(it).length;
  const full = encoder.encodeAllView(view, shared, { ...it }).slice();
  encoder.discardChanges();
  view.changes.clear(); // the full state above already carried what view.add queued
  return { encoder, view, state, player, full };
}

/** The client's patch frame, as the room builds it (without the protocol byte); its length is what it costs. */
function patch({ encoder, view }: Setup): Uint8Array {
  const it = { offset: 0 };
  const shared = encoder.encode(it).length;
  const bytes = encoder.encodeView(view, shared, it).slice();
  encoder.discardChanges();
  return bytes;
}

describe("wire state: quantized positions and heading", () => {
  it("sends a moved coordinate in 2 value bytes, not a float32's 4", () => {
    const w = setup();
    const { player } = w;
    player.x = 100.3;
    // SWITCH_TO_STRUCTURE + refId, then the field's op byte and its uint16 value.
    assert.equal(patch(w).length, 2 + 1 + 2);
    player.x = 100.6;
    player.y = 200.6;
    player.heading = 1;
    assert.equal(patch(w).length, 2 + 3 * (1 + 2));
  });

  it("snaps on the server, so the client decodes exactly what the server holds", () => {
    const w = setup();
    const { encoder, player, full } = w;
    // A client that learns the types from the handshake, as the SDK does.
    const decoder = Reflection.decode<DistrictState>(Reflection.encode(encoder));
    decoder.decode(full);
    for (const [x, y, heading] of [
      [1234.5678, 987.654321, -Math.PI / 2],
      [0, WORLD_EXTENT, 7],
      [WORLD_EXTENT + 50, -3, Math.PI],
    ] as const) {
      player.x = x;
      player.y = y;
      player.heading = heading;
      decoder.decode(patch(w));
      const seen = (decoder.state as DistrictState).players.get("a")!;
      assert.equal(seen.x, player.x);
      assert.equal(seen.y, player.y);
      assert.equal(seen.heading, player.heading);
      // Within half a step of what was assigned (clamped to the world domain), headings wrapped into [0, 2π).
      assert.ok(
        Math.abs(player.x - Math.min(WORLD_EXTENT, Math.max(0, x))) <= WORLD_EXTENT / 65535 / 2 + 1e-9,
      );
      assert.ok(
        Math.abs(player.y - Math.min(WORLD_EXTENT, Math.max(0, y))) <= WORLD_EXTENT / 65535 / 2 + 1e-9,
      );
      const wrapped = ((heading % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI);
      assert.ok(Math.abs(player.heading - wrapped) <= Math.PI / 65536 + 1e-9, `heading ${heading}`);
    }
  });

  it("carries whole and eighth coordinates exactly", () => {
    const { player } = setup();
    for (const v of [0, 1, 100, 250.125, 3000, 4096.5, WORLD_EXTENT]) {
      player.x = v;
      assert.equal(player.x, v);
    }
    player.z = 0;
    assert.equal(player.z, 0);
    player.z = -12.0625;
    assert.equal(player.z, -12.0625);
  });

  it("sends nothing for a move smaller than the quantum", () => {
    const w = setup();
    w.player.x = 100.01; // 100 and 100.01 snap to the same step
    assert.equal(patch(w).length, 0);
  });
});
