import assert from "node:assert/strict";
import { ClientState, SchemaSerializer } from "@colyseus/core";
import { Reflection, StateView, type Decoder, type Encoder } from "@colyseus/schema";
import { installQuietPatches, quietPatchStats } from "../../src/framework/aoi/quietPatches.js";
import { DistrictState } from "../../schema/DistrictState.js";
import { PlayerState } from "../../schema/PlayerState.js";

/** Protocol.ROOM_STATE_PATCH and ProtocolModifier.TIMED. */
const PATCH = 15;
const TIMED = 128;

describe("quiet patches (no empty frames)", () => {
  before(() => assert.ok(installQuietPatches()));

  interface Peer {
    client: { state: number; view: StateView; _inputBuffer: { ackSeq: number }; raw(f: Uint8Array): void };
    frames: Uint8Array[];
    decoder: Decoder<DistrictState>;
  }

  function player(id: string, x: number): PlayerState {
    const p = new PlayerState();
    p.characterId = id;
    p.x = x;
    return p;
  }

  /** A room's serializer over a district state, and `n` joined clients that decoded their full state. */
  function room(n: number) {
    const state = new DistrictState();
    state.district = "d1";
    const serializer = new SchemaSerializer<DistrictState>();
    serializer.reset(state);
    const peers: Peer[] = [];
    for (let i = 0; i < n; i++) {
      const frames: Uint8Array[] = [];
      const client = {
        state: ClientState.JOINED,
        view: new StateView(),
        _inputBuffer: { ackSeq: 7 },
        raw: (f: Uint8Array) => frames.push(f.slice()),
      };
      const decoder = Reflection.decode<DistrictState>(
        Reflection.encode((serializer as unknown as { encoder: Encoder }).encoder),
      );
      decoder.decode(serializer.getFullState(client as never) as Uint8Array, { offset: 1 });
      peers.push({ client, frames, decoder });
    }
    const patch = (timed = false) => {
      for (const p of peers) p.frames.length = 0;
      serializer.applyPatches(peers.map((p) => p.client) as never, state, timed ? { sNow: 1234 } : undefined);
      for (const p of peers) {
        for (const f of p.frames) {
          assert.equal(f[0]! & 31, PATCH);
          p.decoder.decode(f, { offset: f[0]! & TIMED ? 9 : 1 });
        }
      }
      return peers.map((p) => p.frames.length);
    };
    return { state, peers, patch, encoder: (serializer as unknown as { encoder: Encoder }).encoder };
  }

  it("sends nothing to a client whose view has nothing new, timed or not, even while the root's tick moves", () => {
    const { state, patch } = room(2);
    assert.deepEqual(patch(), [0, 0], "nothing changed");
    assert.deepEqual(patch(true), [0, 0], "nothing changed in a room that takes input: no heartbeat either");
    state.tick++;
    assert.deepEqual(patch(true), [0, 0], "only the tick changed");
  });

  it("sends a frame to the clients that see a change, with the current tick; the others owe the root's fields and get them with their next frame", () => {
    const { state, peers, patch } = room(2);
    const [a, b] = peers as [Peer, Peer];
    const pa = player("a", 10);
    const pb = player("b", 20);
    state.players.set("a", pa);
    state.players.set("b", pb);
    a.client.view.add(pa);
    b.client.view.add(pb);
    state.tick = 1;
    assert.deepEqual(patch(), [1, 1], "each sees its own player arrive");

    const before = quietPatchStats.owedSent;
    pa.x = 11;
    state.tick = 2;
    state.district = "d2"; // a root field that changes once, while B has nothing new
    assert.deepEqual(patch(true), [1, 0], "only A sees a change");
    const frame = a.frames[0]!;
    assert.equal(frame[0], PATCH | TIMED);
    assert.equal(Buffer.from(frame).readUInt32LE(5), 7, "the TIMED prefix carries the client's input ack");
    assert.equal(a.decoder.state.players.get("a")!.x, 11);
    assert.equal(a.decoder.state.tick, 2);
    assert.equal(a.decoder.state.district, "d2");
    assert.equal(b.decoder.state.district, "d1", "B skipped the patch");

    state.tick = 3;
    assert.deepEqual(patch(), [0, 0]);
    pb.x = 21;
    state.tick = 4;
    assert.deepEqual(patch(), [0, 1], "B's own player moved");
    assert.equal(b.decoder.state.players.get("b")!.x, 21);
    assert.equal(b.decoder.state.tick, 4, "the tick of this patch");
    assert.equal(b.decoder.state.district, "d2", "the root field it owed, not in this patch's shared part");
    assert.equal(quietPatchStats.owedSent, before + 1);

    pb.x = 22;
    state.tick = 5;
    patch();
    assert.equal(quietPatchStats.owedSent, before + 1, "owed once, sent once");
    assert.equal(b.decoder.state.players.get("b")!.x, 22);
  });

  it("sends a view's additions even when the state did not change", () => {
    const { state, peers, patch } = room(2);
    const [a] = peers as [Peer, Peer];
    const pa = player("a", 10);
    state.players.set("a", pa);
    patch(); // the player exists; no view holds it yet
    a.client.view.add(pa);
    assert.deepEqual(patch(true), [1, 0]);
    assert.equal(a.decoder.state.players.get("a")!.x, 10);
  });

  it("writes a patch's frames only once every view is encoded (a write between encodes costs more)", () => {
    const { state, peers, patch, encoder } = room(3);
    let encoded = 0;
    const encodeView = encoder.encodeView.bind(encoder);
    encoder.encodeView = ((...args: Parameters<Encoder["encodeView"]>) => {
      encoded++;
      return encodeView(...args);
    }) as Encoder["encodeView"];
    const seen: number[] = [];
    for (const p of peers) {
      const write = p.client.raw;
      p.client.raw = (f) => {
        seen.push(encoded);
        write(f);
      };
    }
    const players = peers.map((p, i) => {
      const pl = player(`p${i}`, 10 * i);
      state.players.set(`p${i}`, pl);
      return pl;
    });
    patch();
    peers.forEach((p, i) => p.client.view.add(players[i]!));
    assert.deepEqual(patch(true), [1, 1, 1], "views changed, the state not");
    assert.deepEqual(seen, [encoded, encoded, encoded], "every write after the last encode");
    assert.ok(encoded >= 3, "each view encoded");
    seen.length = 0;
    encoded = 0;
    players.forEach((pl) => (pl.x += 1));
    assert.deepEqual(patch(true), [1, 1, 1], "the state changed");
    assert.deepEqual(seen, [encoded, encoded, encoded], "every write after the last encode");
    assert.ok(encoded >= 3, "each view encoded");
  });
});
