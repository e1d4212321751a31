import assert from "node:assert/strict";
import type { Client } from "@colyseus/core";
import { Encoder, Reflection, StateView, type Decoder } from "@colyseus/schema";
import { ClientViews } from "../../src/framework/aoi/ClientViews.js";
import { InterestManager } from "../../src/framework/aoi/InterestManager.js";
import {
  installViewEncoding,
  setViewRates,
  setViewShare,
  viewEncodingStats,
  type ViewRates,
} from "../../src/framework/aoi/viewEncoding.js";
import { DistrictState } from "../../schema/DistrictState.js";
import { PlayerState } from "../../schema/PlayerState.js";

/**
 * Crowds share views (ClientViews' crowd cells, setViewShare): the clients
 * standing in one crowded cell see the same set and get one encode copied;
 * each still decodes exactly what its own view holds, itself always included.
 */
describe("aoi: crowd cells share one view encode", () => {
  before(() => installViewEncoding());

  function player(id: string, x: number, y: number): PlayerState {
    const p = new PlayerState();
    p.characterId = id;
    p.x = x;
    p.y = y;
    p.hp = 100;
    return p;
  }

  it("copies an encode only between views with the same token, trees and rates", () => {
    const state = new DistrictState();
    const a = player("a", 0, 0);
    const b = player("b", 5, 0);
    const c = player("c", 9, 0);
    state.players.set("a", a);
    state.players.set("b", b);
    state.players.set("c", c);
    const encoder = new Encoder(state);
    const reflection = Reflection.encode(encoder);
    const token = {};
    const rates: ViewRates = { observer: { x: 0, y: 0 }, fullRadius: 100, halfRadius: 100, farEvery: 2 };
    const views = [new StateView(), new StateView(), new StateView()];
    views[0]!.add(a);
    views[0]!.add(b);
    views[1]!.add(b);
    views[1]!.add(a);
    // Same token, other trees: encoded for itself.
    views[2]!.add(a);
    views[2]!.add(c);
    const decoders = views.map((view) => {
      setViewShare(view, token);
      setViewRates(view, rates);
      const decoder = Reflection.decode<DistrictState>(reflection);
      const it = { offset: 0 };
      const shared = encoder.encodeAll(it).length;
      decoder.decode(encoder.encodeAllView(view, shared, { ...it }));
      view.changes.clear();
      return decoder;
    });
    encoder.discardChanges();
    const before = viewEncodingStats().viewsShared;
    for (let round = 0; round < 5; round++) {
      a.x += 1;
      b.hp -= 1;
      c.y += 2;
      state.tick++;
      const it = { offset: 0 };
      const shared = encoder.encode(it).length;
      views.forEach((view, i) => decoders[i]!.decode(encoder.encodeView(view, shared, it).slice()));
      encoder.discardChanges();
    }
    assert.equal(
      viewEncodingStats().viewsShared - before,
      5,
      "the second view copied the first one's encode each patch",
    );
    for (const [i, ids] of [
      ["a", "b"],
      ["a", "b"],
      ["a", "c"],
    ].entries()) {
      const seen = decoders[i]!.state.players;
      assert.deepEqual([...seen.keys()].sort(), ids);
      for (const id of ids) {
        const p = state.players.get(id)!;
        assert.deepEqual(
          [seen.get(id)!.x, seen.get(id)!.y, seen.get(id)!.hp],
          [p.x, p.y, p.hp],
          `view ${i}, ${id}`,
        );
      }
    }
  });

  it("a client whose own cell is too sparse to share takes the common view of a shared neighbour that reaches it", () => {
    const state = new DistrictState();
    const encoder = new Encoder(state);
    const interest = new InterestManager({ radius: 100, hysteresis: 1.2, maxVisible: 30 });
    // Cells 10 across: a client stays with a cell until 10 from its centre on each axis (half a cell past its edge).
    const views = new ClientViews(
      interest,
      { updateEveryTicks: 1, fullRateFraction: 0.4, farRateEvery: 4, crowdCell: 10, crowdMin: 3 },
      (id) => state.players.get(id),
    );
    const clients = new Map<string, Client>();
    const join = (id: string, x: number, y: number) => {
      const p = player(id, x, y);
      state.players.set(id, p);
      interest.move(id, x, y);
      const client = { sessionId: id } as Client;
      views.open(client, p);
      clients.set(id, client);
    };
    // Three in the cell centred on (105, 105): it is shared.
    join("a", 104, 104);
    join("b", 105, 106);
    join("c", 106, 105);
    // Alone in the next cell (centred on (115, 105)), 9 from the shared cell's centre; and one 13 from it.
    join("edge", 114, 105);
    join("far", 118, 105);
    for (let tick = 0; tick < 4; tick++) {
      views.update(clients.values(), tick);
      const it = { offset: 0 };
      const shared = encoder.encode(it).length;
      const done = new Set<StateView>();
      for (const client of clients.values()) {
        if (done.has(client.view!)) continue;
        done.add(client.view!);
        encoder.encodeView(client.view!, shared, it);
      }
      encoder.discardChanges();
    }
    const view = (id: string) => clients.get(id)!.view!;
    assert.equal(view("b"), view("a"), "the shared cell's clients hold one view");
    assert.equal(view("edge"), view("a"), "the client at the crowd's edge holds the shared cell's view");
    assert.notEqual(view("far"), view("a"), "one beyond its reach keeps a view of its own");
    for (const id of ["a", "b", "c", "edge", "far"]) assert.ok(view("edge").has(state.players.get(id)!), id);
  });

  it("a bounded number of clients leave shared cells per tick; those held back cross on the next ticks", () => {
    /** Two shared cells 200 apart (out of each other's reach); then all of the first's clients walk into the second. */
    const scenario = (crossingsPerTick?: number) => {
      const state = new DistrictState();
      new Encoder(state); // views hold what an encoder tracks
      const interest = new InterestManager({ radius: 100, hysteresis: 1.2, maxVisible: 30 });
      const views = new ClientViews(
        interest,
        {
          updateEveryTicks: 1,
          fullRateFraction: 0.4,
          farRateEvery: 4,
          crowdCell: 10,
          crowdMin: 3,
          ...(crossingsPerTick === undefined ? {} : { crossingsPerTick }),
        },
        (id) => state.players.get(id),
      );
      const clients = new Map<string, Client>();
      const place = (id: string, x: number, y: number) => {
        const p = state.players.get(id) ?? player(id, x, y);
        p.x = x;
        p.y = y;
        state.players.set(id, p);
        interest.move(id, x, y);
      };
      for (let i = 0; i < 4; i++) {
        for (const [prefix, x] of [
          ["a", 104],
          ["b", 304],
        ] as const) {
          const id = `${prefix}${i}`;
          place(id, x + (i % 2), 104 + (i >> 1));
          const client = { sessionId: id } as Client;
          views.open(client, state.players.get(id)!);
          clients.set(id, client);
        }
      }
      let tick = 0;
      views.update(clients.values(), tick++);
      for (let i = 0; i < 4; i++) place(`a${i}`, 304 + (i % 2), 106 + (i >> 1));
      const b0 = state.players.get("b0")!;
      return {
        /** The walker `id` reconnects: a new client (and view) where it stands; returns the old client. */
        reconnect: (id: string) => {
          const old = clients.get(id)!;
          const client = { sessionId: id } as Client;
          views.open(client, state.players.get(id)!);
          clients.set(id, client);
          return old;
        },
        b0,
        /** One update; how many of the walkers' views hold the second cell's players by then. */
        step: () => {
          views.update(clients.values(), tick++);
          return [0, 1, 2, 3].filter((i) => clients.get(`a${i}`)!.view!.has(b0)).length;
        },
      };
    };
    const bounded = scenario(1);
    assert.equal(bounded.step(), 1, "one crossing in the first tick");
    assert.equal(bounded.step(), 2, "and one more in the next");
    bounded.step();
    assert.equal(bounded.step(), 4, "all have crossed a few ticks later");
    assert.equal(scenario().step(), 4, "the default allows at least 8 per tick");
    // One held back reconnects meanwhile: its new seat places itself; its old one is never placed again.
    const again = scenario(1);
    again.step();
    const gone = again.reconnect("a3");
    again.step();
    again.step();
    assert.equal(again.step(), 4, "all, the reconnected one too, hold the second cell's set");
    assert.ok(!gone.view!.has(again.b0), "the old client's view was left as it was");
  });

  it("on random play in a crowd, every client decodes what its view holds, itself always, as clients cross cells", () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const state = new DistrictState();
    const encoder = new Encoder(state);
    const reflection = Reflection.encode(encoder);
    const interest = new InterestManager({ radius: 100, hysteresis: 1.2, maxVisible: 30 });
    const FAR = 4;
    const views = new ClientViews(
      interest,
      { updateEveryTicks: 2, fullRateFraction: 0.4, farRateEvery: FAR, crowdCell: 10, crowdMin: 3 },
      (id) => state.players.get(id),
    );
    interface Seat {
      client: Client;
      decoder: Decoder<DistrictState>;
    }
    const seats = new Map<string, Seat>();
    const history: Map<string, { x: number; y: number; hp: number }>[] = [];
    const snapshot = () => new Map([...state.players].map(([id, p]) => [id, { x: p.x, y: p.y, hp: p.hp }]));
    let next = 0;
    const join = () => {
      const id = `p${next++}`;
      const p = player(id, 1000 + (random() - 0.5) * 40, 1000 + (random() - 0.5) * 40);
      state.players.set(id, p);
      interest.move(id, p.x, p.y);
      const client = { sessionId: id } as Client;
      views.open(client, p);
      const decoder = Reflection.decode<DistrictState>(reflection);
      const it = { offset: 0 };
      const shared = encoder.encodeAll(it).length;
      decoder.decode(encoder.encodeAllView(client.view!, shared, { ...it }));
      client.view!.changes.clear();
      seats.set(id, { client, decoder });
    };
    const patch = () => {
      state.tick++;
      const it = { offset: 0 };
      const shared = encoder.encode(it).length;
      // As Colyseus patches clients: a view several of them hold is encoded once.
      const bodies = new Map<StateView, Uint8Array>();
      for (const s of seats.values()) {
        const view = s.client.view!;
        let body = bodies.get(view);
        if (body === undefined) bodies.set(view, (body = encoder.encodeView(view, shared, it).slice()));
        s.decoder.decode(body);
      }
      together += seats.size - bodies.size;
      encoder.discardChanges();
      history.push(snapshot());
      if (history.length > FAR) history.shift();
    };
    for (let i = 0; i < 60; i++) join();
    history.push(snapshot());
    /** Client-patches served by an encode made for another client (a crowd cell's common view). */
    let together = 0;
    for (let tick = 0; tick < 150; tick++) {
      for (const [id, p] of state.players) {
        if (random() < 0.7) {
          p.x += (random() - 0.5) * 4;
          p.y += (random() - 0.5) * 4;
        }
        if (random() < 0.005) {
          // A teleport across the crowd.
          p.x = 1000 + (random() - 0.5) * 40;
          p.y = 1000 + (random() - 0.5) * 40;
          interest.refresh(id);
        }
        if (random() < 0.05) p.hp = Math.floor(random() * 100);
        interest.move(id, p.x, p.y);
      }
      if (random() < 0.03 && seats.size > 20) {
        const id = [...seats.keys()][Math.floor(random() * seats.size)]!;
        views.forget(id);
        state.players.delete(id);
        seats.delete(id);
      }
      if (random() < 0.05) join();
      // A GM goes invisible and visible again: never in another client's view meanwhile.
      if (tick === 60) interest.setHidden("p3", true);
      if (tick === 110) interest.setHidden("p3", false);
      views.update(
        [...seats.values()].map((s) => s.client),
        tick,
      );
      patch();
      const recent = history.slice(-FAR);
      for (const [id, s] of seats) {
        const view = s.client.view!;
        const held = [...state.players].filter(([, p]) => view.has(p)).map(([pid]) => pid);
        assert.ok(held.includes(id), `tick ${tick}: ${id}'s view holds itself`);
        assert.deepEqual([...s.decoder.state.players.keys()].sort(), held.sort(), `tick ${tick}: ${id}`);
        if (tick >= 64 && tick < 110 && id !== "p3" && seats.has("p3"))
          assert.ok(!held.includes("p3"), `tick ${tick}: ${id} does not see the hidden p3`);
        for (const pid of held) {
          const seen = s.decoder.state.players.get(pid)!;
          assert.ok(
            recent.some((h) => {
              const v = h.get(pid);
              return v !== undefined && v.x === seen.x && v.y === seen.y && v.hp === seen.hp;
            }),
            `tick ${tick}: ${id} sees ${pid} at ${seen.x},${seen.y} hp ${seen.hp}, older than ${FAR} patches`,
          );
          if (pid === id) {
            const p = state.players.get(id)!;
            assert.deepEqual(
              [seen.x, seen.y, seen.hp],
              [p.x, p.y, p.hp],
              `tick ${tick}: ${id} hears itself every patch`,
            );
          }
        }
      }
    }
    // Once things stop, every client converges on the server's values.
    for (let i = 0; i < FAR; i++) patch();
    for (const [id, s] of seats) {
      for (const [pid, seen] of s.decoder.state.players) {
        const p = state.players.get(pid)!;
        assert.deepEqual([seen.x, seen.y, seen.hp], [p.x, p.y, p.hp], `${id} sees ${pid}`);
      }
    }
    assert.ok(together > 3000, `crowded clients shared encodes (${together} of ${150 * seats.size})`);
  });
});
