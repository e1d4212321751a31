import assert from "node:assert/strict";
import { Encoder, Reflection, StateView, type Decoder } from "@colyseus/schema";
import {
  installViewEncoding,
  setViewRates,
  viewEncodingStats,
  type ViewRates,
} from "../../src/framework/aoi/viewEncoding.js";
import { DistrictState } from "../../schema/DistrictState.js";
import { PlayerState } from "../../schema/PlayerState.js";

/**
 * Distance-based update rates (setViewRates): a far entity's changes reach a
 * view less often, and whatever it changed meanwhile arrives on its next turn
 * with the values of that moment, so the client always converges.
 */
describe("aoi: update rates by distance (setViewRates)", () => {
  before(() => installViewEncoding());

  interface World {
    state: DistrictState;
    encoder: Encoder<DistrictState>;
    view: StateView;
    client: Decoder<DistrictState>;
    self: PlayerState;
    rates: ViewRates;
  }

  function player(id: string, x: number, y: number): PlayerState {
    const p = new PlayerState();
    p.characterId = id;
    p.x = x;
    p.y = y;
    return p;
  }

  /** One observer at (1000, 1000) seeing `others`, with a client that has decoded the full state. */
  function world(others: Record<string, PlayerState>): World {
    const state = new DistrictState();
    const self = player("self", 1000, 1000);
    state.players.set("self", self);
    for (const [id, p] of Object.entries(others)) state.players.set(id, p);
    const encoder = new Encoder(state);
    const view = new StateView();
    for (const p of state.players.values()) view.add(p);
    const client = Reflection.decode<DistrictState>(Reflection.encode(encoder));
    const it = { offset: 0 };
    const shared = encoder.encodeAll(it).length;
    client.decode(encoder.encodeAllView(view, shared, { ...it }));
    encoder.discardChanges();
    view.changes.clear();
    const rates: ViewRates = { observer: self, fullRadius: 40, halfRadius: 70, farEvery: 4 };
    setViewRates(view, rates);
    return { state, encoder, view, client, self, rates };
  }

  /** One patch as the room sends it (the tick always changes in a district); returns what the client decoded. */
  function patch(w: World): Uint8Array {
    w.state.tick++;
    const it = { offset: 0 };
    const shared = w.encoder.encode(it).length;
    const bytes = w.encoder.encodeView(w.view, shared, it).slice();
    w.encoder.discardChanges();
    w.client.decode(bytes);
    return bytes;
  }

  const seen = (w: World, id: string) => w.client.state.players.get(id);

  it("sends a near entity every patch, one halfway out every 2nd, a far one every 4th", () => {
    const near = player("near", 1010, 1000);
    const half = player("half", 1000, 1060);
    const far = player("far", 1090, 1000);
    const w = world({ near, half, far });
    const heard = { near: 0, half: 0, far: 0 };
    for (let i = 0; i < 40; i++) {
      near.y += 0.25; // all move, and stay within their bands
      half.x += 0.25;
      far.y += 0.25;
      patch(w);
      if (seen(w, "near")!.y === near.y) heard.near++;
      if (seen(w, "half")!.x === half.x) heard.half++;
      if (seen(w, "far")!.y === far.y) heard.far++;
    }
    assert.deepEqual(heard, { near: 40, half: 20, far: 10 });
  });

  it("costs fewer bytes than sending everything every patch", () => {
    const others: Record<string, PlayerState> = {};
    for (let i = 0; i < 20; i++) others[`p${i}`] = player(`p${i}`, 1050 + i, 1050);
    const throttled = world(others);
    const full = world(
      Object.fromEntries(Object.keys(others).map((id, i) => [id, player(id, 1050 + i, 1050)])),
    );
    setViewRates(full.view, undefined);
    let bytesThrottled = 0;
    let bytesFull = 0;
    for (let round = 0; round < 20; round++) {
      for (const w of [throttled, full]) for (const [id, p] of w.state.players) if (id !== "self") p.x += 0.5;
      bytesThrottled += patch(throttled).length;
      bytesFull += patch(full).length;
    }
    assert.ok(bytesThrottled < bytesFull * 0.6, `${bytesThrottled} vs ${bytesFull}`);
  });

  it("owes a deferred change: an entity that stops in between still arrives where it stopped", () => {
    const far = player("far", 1090, 1000);
    const w = world({ far });
    // Walk until a step is deferred (the client is behind), then stand still: no later patch has a change of it.
    let deferred = false;
    for (let i = 0; i < 8 && !deferred; i++) {
      far.y += 3;
      patch(w);
      deferred = seen(w, "far")!.y !== far.y;
    }
    assert.ok(deferred, "a far entity's step was deferred");
    const before = viewEncodingStats().catchUpSent;
    for (let i = 0; i < 4; i++) patch(w);
    assert.equal(seen(w, "far")!.y, far.y);
    assert.equal(viewEncodingStats().catchUpSent, before + 1);
    // Different fields changed on different skipped patches all arrive.
    far.hp = 77;
    patch(w);
    far.level = 9;
    for (let i = 0; i < 8; i++) patch(w);
    assert.equal(seen(w, "far")!.hp, 77);
    assert.equal(seen(w, "far")!.level, 9);
  });

  it("always sends the observer's own entity every patch", () => {
    const w = world({ other: player("other", 1100, 1000) });
    for (let i = 0; i < 10; i++) {
      w.self.x += 0.5;
      w.self.ack = i + 1;
      patch(w);
      assert.equal(seen(w, "self")!.ack, i + 1);
      assert.equal(seen(w, "self")!.x, w.self.x);
    }
  });

  it("an entity coming near is sent every patch from then on; owed fields follow it", () => {
    const far = player("far", 1090, 1000);
    const w = world({ far });
    let deferred = false;
    for (let i = 0; i < 8 && !deferred; i++) {
      far.hp = 5 + i;
      patch(w);
      deferred = seen(w, "far")!.hp !== far.hp;
    }
    assert.ok(deferred, "a far entity's change was deferred");
    far.x = 1010; // walks (teleports) into the full-rate radius
    patch(w);
    assert.equal(seen(w, "far")!.x, 1010);
    assert.equal(seen(w, "far")!.hp, far.hp);
  });

  it("forgets what it owed an entity that left the view or the state: the client never hears of it again", () => {
    const gone = player("gone", 1090, 1000);
    const leaving = player("leaving", 1000, 1090);
    const w = world({ gone, leaving });
    const errors: unknown[] = [];
    const error = console.error;
    console.error = (...args: unknown[]) => void errors.push(args);
    try {
      for (let i = 0; i < 3; i++) {
        gone.y += 1;
        leaving.x += 1;
        patch(w);
      }
      w.view.remove(leaving);
      w.state.players.delete("gone");
      for (let i = 0; i < 6; i++) patch(w);
    } finally {
      console.error = error;
    }
    assert.deepEqual(errors, []);
    assert.equal(seen(w, "gone"), undefined);
    assert.equal(seen(w, "leaving"), undefined);
    assert.ok(seen(w, "self"));
  });

  it("on random play, every client holds what the server held within the last farEvery patches, and all of it once things stop", () => {
    let seed = 99;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const state = new DistrictState();
    const encoder = new Encoder(state);
    let next = 0;
    const spawn = () => {
      const p = player(`p${next}`, 900 + random() * 200, 900 + random() * 200);
      p.hp = 100;
      state.players.set(`p${next++}`, p);
    };
    for (let i = 0; i < 30; i++) spawn();
    const clients: { observer: string; view: StateView; decoder: Decoder<DistrictState> }[] = [];
    const reflection = Reflection.encode(encoder);
    const history: Map<string, { x: number; y: number; hp: number }>[] = [];
    const FAR = 4;
    const refresh = (c: (typeof clients)[number]) => {
      const self = state.players.get(c.observer)!;
      for (const p of state.players.values()) {
        const near = Math.hypot(p.x - self.x, p.y - self.y) <= 100;
        if (near && !c.view.has(p)) c.view.add(p);
        if (!near && c.view.has(p) && p !== self) c.view.remove(p);
      }
    };
    const deferredBefore = viewEncodingStats().deferred;
    const snapshot = () => new Map([...state.players].map(([id, p]) => [id, { x: p.x, y: p.y, hp: p.hp }]));
    history.push(snapshot());
    for (let round = 0; round < 200; round++) {
      if (clients.length < 6 && round % 5 === 0) {
        const observer = `p${clients.length}`;
        const view = new StateView();
        view.add(state.players.get(observer)!);
        setViewRates(view, {
          observer: state.players.get(observer)!,
          fullRadius: 40,
          halfRadius: 70,
          farEvery: FAR,
        });
        const decoder = Reflection.decode<DistrictState>(reflection);
        clients.push({ observer, view, decoder });
        refresh(clients[clients.length - 1]!);
        // A client joining mid-game starts from the full state of its view.
        const it = { offset: 0 };
        const shared = encoder.encodeAll(it).length;
        decoder.decode(encoder.encodeAllView(view, shared, { ...it }));
        view.changes.clear();
      }
      for (const [id, p] of state.players) {
        if (random() < 0.6) {
          p.x += (random() - 0.5) * 6;
          p.y += (random() - 0.5) * 6;
          p.heading = random() * 6;
        }
        if (random() < 0.05) p.hp = Math.floor(random() * 100);
        if (random() < 0.01 && Number(id.slice(1)) >= 6) state.players.delete(id);
      }
      if (random() < 0.1) spawn();
      for (const c of clients) refresh(c);
      state.tick++;
      const it = { offset: 0 };
      const shared = encoder.encode(it).length;
      for (const c of clients) c.decoder.decode(encoder.encodeView(c.view, shared, it).slice());
      encoder.discardChanges();
      history.push(snapshot()); // what each patch sent to whoever it was due for
      for (const c of clients) {
        const held = [...state.players].filter(([, p]) => c.view.has(p)).map(([id]) => id);
        assert.deepEqual([...c.decoder.state.players.keys()].sort(), held.sort(), `round ${round}`);
        for (const id of held) {
          const seen = c.decoder.state.players.get(id)!;
          const recent = history
            .slice(-FAR)
            .map((h) => h.get(id))
            .filter((v) => v !== undefined);
          assert.ok(
            recent.some((v) => v.x === seen.x && v.y === seen.y && v.hp === seen.hp),
            `round ${round}, ${c.observer} sees ${id} at ${seen.x},${seen.y} hp ${seen.hp}, older than ${FAR} patches`,
          );
        }
      }
    }
    for (let i = 0; i < FAR; i++) {
      state.tick++;
      const it = { offset: 0 };
      const shared = encoder.encode(it).length;
      for (const c of clients) c.decoder.decode(encoder.encodeView(c.view, shared, it).slice());
      encoder.discardChanges();
    }
    for (const c of clients) {
      for (const [id, seen] of c.decoder.state.players) {
        const p = state.players.get(id)!;
        assert.deepEqual(
          [seen.x, seen.y, seen.heading, seen.hp],
          [p.x, p.y, p.heading, p.hp],
          `${c.observer} sees ${id}`,
        );
      }
    }
    assert.ok(viewEncodingStats().deferred > deferredBefore, "some changes were deferred in this run");
  });
});
