/**
 * The dense crowd's view work alone, without sockets: N players in a disc of
 * radius 35 (bench/scale.ts's dense layout), each walking a small lap, the
 * real InterestManager + ClientViews refreshing their views each tick, and
 * every patch encoded for every client the way @colyseus/core's
 * SchemaSerializer does (one shared encode, then `encodeView` per client).
 * Reports CPU time (process.cpuUsage: the machine may be shared) per
 * client-patch for the views' refresh and for the encode, and the bytes per
 * client-patch (a change must not cost bandwidth unnoticed).
 *
 *   node --import tsx bench/crowdViews.ts [--players 500] [--patches 400] [--warmup 100] [--repeat 3]
 */
import { parseArgs } from "node:util";
import type { Client } from "@colyseus/core";
import { Encoder, StateView } from "@colyseus/schema";
import { DistrictState } from "../schema/DistrictState.js";
import { PlayerState } from "../schema/PlayerState.js";
import { ClientViews } from "../src/framework/aoi/ClientViews.js";
import { InterestManager } from "../src/framework/aoi/InterestManager.js";
import { viewEncodingStats } from "../src/framework/aoi/viewEncoding.js";
import { percentile as pct } from "./lib/stats.js";

const { values: args } = parseArgs({
  options: {
    players: { type: "string", default: "500" },
    patches: { type: "string", default: "400" },
    warmup: { type: "string", default: "100" },
    repeat: { type: "string", default: "3" },
    /** ClientViews' crowdCell (unset: its default; 0: no sharing). */
    cell: { type: "string" },
    /** ClientViews' crowdMin (unset: its default). */
    min: { type: "string" },
  },
});
const PLAYERS = Number(args.players);
const PATCHES = Number(args.patches);
const WARMUP = Number(args.warmup);

function cpu(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/** Deterministic placement, so two checkouts measure the same crowd. */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** StateView adds and removes (the views' work, counted: the machine's timing may be noisy). */
let viewOps = 0;
for (const name of ["add", "remove"] as const) {
  const proto = StateView.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
  const original = proto[name]!;
  proto[name] = function (this: unknown, ...a: unknown[]) {
    viewOps++;
    return original.apply(this, a);
  };
}

interface Run {
  views: number;
  encode: number;
  bytes: number;
  sharedViews: number;
  /** Per tick: views + encode wall time (µs), view adds/removes, views encoded. */
  tickUs: number[];
  ops: number[];
  encodes: number[];
}

function run(): Run {
  const random = lcg(7);
  const state = new DistrictState();
  const encoder = new Encoder(state);
  // The shipped defaults (src/framework/config/config.ts).
  const interest = new InterestManager({ radius: 100, hysteresis: 1.2, maxVisible: 100 });
  const players = new Map<string, PlayerState>();
  const views = new ClientViews(
    interest,
    {
      updateEveryTicks: 2,
      fullRateFraction: 0.4,
      farRateEvery: 4,
      ...(args.cell === undefined ? {} : { crowdCell: Number(args.cell) }),
      ...(args.min === undefined ? {} : { crowdMin: Number(args.min) }),
    },
    (id) => players.get(id),
  );
  const centres: { x: number; y: number; phase: number }[] = [];
  const clients: Client[] = [];
  for (let i = 0; i < PLAYERS; i++) {
    const r = 35 * Math.sqrt(random());
    const a = random() * 2 * Math.PI;
    const c = { x: 1000 + r * Math.cos(a), y: 1000 + r * Math.sin(a), phase: random() * 2 * Math.PI };
    centres.push(c);
    const p = new PlayerState();
    p.name = `p${i}`;
    p.characterId = `c${i}`;
    p.x = c.x;
    p.y = c.y;
    state.players.set(`s${i}`, p);
    players.set(`s${i}`, p);
    interest.move(`s${i}`, p.x, p.y);
    clients.push({ sessionId: `s${i}` } as Client);
  }
  for (let i = 0; i < PLAYERS; i++) views.open(clients[i]!, players.get(`s${i}`)!);
  encoder.discardChanges();

  let viewsCpu = 0;
  let encodeCpu = 0;
  let bytes = 0;
  let sharedBefore = 0;
  /** Client-patches that held another client's view (a crowd cell's common one). */
  let together = 0;
  const tickUs: number[] = [];
  const ops: number[] = [];
  const encodes: number[] = [];
  for (let tick = 0; tick < WARMUP + PATCHES; tick++) {
    const measuring = tick >= WARMUP;
    if (tick === WARMUP) sharedBefore = viewEncodingStats().viewsShared;
    // bench/scale.ts's bots: a lap every 10 s at the district's speed (6 units/s, a radius of about 9.5) at 20 ticks/s.
    for (let i = 0; i < PLAYERS; i++) {
      const c = centres[i]!;
      const p = players.get(`s${i}`)!;
      const a = c.phase + (tick * 2 * Math.PI) / 200;
      p.x = c.x + 9.5 * Math.cos(a);
      p.y = c.y + 9.5 * Math.sin(a);
      p.ack++;
      interest.move(`s${i}`, p.x, p.y);
    }
    state.tick++;
    let t0 = cpu();
    const wall0 = performance.now();
    const ops0 = viewOps;
    views.update(clients, tick);
    const viewsUs = cpu() - t0;
    if (measuring) viewsCpu += viewsUs;
    t0 = cpu();
    const it = { offset: 1 };
    encoder.sharedBuffer[0] = 15;
    encoder.encode(it);
    const sharedOffset = it.offset;
    let sent = 0;
    // As SchemaSerializer does: a view several clients hold (a crowd cell's) is encoded once for all of them.
    const bodies = new Map<unknown, Uint8Array>();
    for (const client of clients) {
      let body = bodies.get(client.view);
      if (body === undefined)
        bodies.set(client.view, (body = encoder.encodeView(client.view!, sharedOffset, it)));
      sent += body.length;
    }
    if (measuring) together += clients.length - bodies.size;
    encoder.discardChanges();
    if (measuring) {
      const encodeUs = cpu() - t0;
      encodeCpu += encodeUs;
      bytes += sent;
      // Wall time: CPU time would count the GC's helper threads too.
      tickUs.push((performance.now() - wall0) * 1000);
      ops.push(viewOps - ops0);
      encodes.push(bodies.size);
    }
  }
  const perClientPatch = PATCHES * PLAYERS;
  return {
    views: viewsCpu / perClientPatch,
    encode: encodeCpu / perClientPatch,
    bytes: bytes / perClientPatch,
    sharedViews: (viewEncodingStats().viewsShared - sharedBefore + together) / perClientPatch,
    tickUs,
    ops,
    encodes,
  };
}

console.log(`crowdViews: ${PLAYERS} players in a disc of radius 35, ${PATCHES} patches after ${WARMUP}`);
for (let r = 0; r < Number(args.repeat); r++) {
  const m = run();
  console.log(
    `run ${r + 1}: views ${m.views.toFixed(2)} µs + encode ${m.encode.toFixed(2)} µs CPU per client-patch, ${m.bytes.toFixed(1)} bytes per client-patch, ${(100 * m.sharedViews).toFixed(0)} % of view encodes copied from another view`,
  );
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  console.log(
    `  per tick: views + encode p50 ${(pct(m.tickUs, 50) / 1000).toFixed(2)} / p99 ${(pct(m.tickUs, 99) / 1000).toFixed(2)} ms; view adds+removes mean ${mean(m.ops).toFixed(0)}, p99 ${pct(m.ops, 99)}; views encoded mean ${mean(m.encodes).toFixed(0)}, p99 ${pct(m.encodes, 99)}`,
  );
}
