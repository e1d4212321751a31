/**
 * The district's fixed step alone, without sockets: a DistrictSimulation of
 * the shipped content with N players walking laps (a new direction every
 * other tick, as bench/scale.ts's bots send at 10 Hz against a 20 Hz tick;
 * every 4th stands still),
 * and the mirror into the replicated schema and the interest manager's positions.
 * It reports CPU time per step (process.cpuUsage, not wall time: the machine
 * may be shared) for each part, and a checksum of the events, the replicated
 * schema every 50 steps and the final positions, so a change to the step can be shown to keep its behaviour
 * (same seed, same checksum) as well as its cost.
 *
 *   node --import tsx bench/tick.ts [--players 1000] [--steps 2000] [--warmup 400] [--repeat 3] [--area 0]
 *
 * `--area 200 --at 1700,1350` packs them among richland's punks: fights, deaths, respawns.
 */
import { createHash } from "node:crypto";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { DistrictState } from "../schema/DistrictState.js";
import { InterestManager } from "../src/framework/aoi/InterestManager.js";
import { loadContentPack } from "../src/mxo/content/loadContentPack.js";
import { maxHealth } from "../src/mxo/rules/characterRules.js";
import { DistrictSimulation } from "../src/mxo/rules/simulation/DistrictSimulation.js";
import { DistrictMirror } from "../src/mxo/zone/DistrictMirror.js";

const { values: args } = parseArgs({
  options: {
    players: { type: "string", default: "1000" },
    steps: { type: "string", default: "2000" },
    warmup: { type: "string", default: "400" },
    repeat: { type: "string", default: "3" },
    district: { type: "string", default: "richland" },
    /** Side of the square (at the district's centre) players start in; 0: the whole district. */
    area: { type: "string", default: "0" },
    /** Centre of that square, "x,y" (default: the district's centre). */
    at: { type: "string", default: "" },
  },
});
const PLAYERS = Number(args.players);
const STEPS = Number(args.steps);
const WARMUP = Number(args.warmup);
const TICK_RATE = 20;
const FIVES = { focus: 5, perception: 5, reason: 5, belief: 5, vitality: 5 };

const pack = loadContentPack(resolve(dirname(fileURLToPath(import.meta.url)), "../content"));
const def = pack.district(args.district!);
if (!def) throw new Error(`no district ${args.district}`);

/** A small deterministic stream for the placement (the simulation has its own seeded ones). */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

interface Part {
  /** Inputs in and `step()`. */
  sim: number;
  /** The schema copy and the interest manager's positions (`DistrictMirror.publish`). */
  publish: number;
}

function cpu(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

function run(): { perStep: Part; checksum: string; events: number } {
  const sim = new DistrictSimulation(def!, pack, { tickRate: TICK_RATE, seed: 7 });
  const state = new DistrictState();
  const interest = new InterestManager({ radius: 100, hysteresis: 1.2, maxVisible: 100 });
  const mirror = new DistrictMirror(sim, state, interest);
  const random = lcg(PLAYERS * 7919);
  const whole = def!.bounds;
  const side = Number(args.area);
  const [cx, cy] = args.at
    ? args.at.split(",").map(Number)
    : [(whole.minX + whole.maxX) / 2, (whole.minY + whole.maxY) / 2];
  const bounds =
    side > 0
      ? { minX: cx! - side / 2, minY: cy! - side / 2, maxX: cx! + side / 2, maxY: cy! + side / 2 }
      : whole;
  const margin = side > 0 ? 0 : 30;
  const ids: string[] = [];
  for (let i = 0; i < PLAYERS; i++) {
    const id = `p${i}`;
    const maxHp = maxHealth(FIVES, 1);
    sim.addPlayer({
      sessionId: id,
      characterId: `c${i}`,
      name: `Bot${i}`,
      organization: "zion",
      x: bounds.minX + margin + random() * (bounds.maxX - bounds.minX - 2 * margin),
      y: bounds.minY + margin + random() * (bounds.maxY - bounds.minY - 2 * margin),
      z: 0,
      heading: 0,
      hp: maxHp,
      maxHp,
      level: 1,
      stats: FIVES,
    });
    mirror.addPlayer(id);
    ids.push(id);
  }
  for (const n of sim.npcs()) mirror.npcSpawned(n.id);
  const hash = createHash("sha256");
  let events = 0;
  const total: Part = { sim: 0, publish: 0 };
  for (let t = 0; t < WARMUP + STEPS; t++) {
    const t0 = cpu();
    if (t % 2 === 0) {
      for (let i = 0; i < ids.length; i++) {
        // Laps: each bot turns a little with every input, from its own starting angle;
        // every 4th stands (idle at a keyboard), so NPCs catch some: fights, kills, loot, respawns.
        const a = i * 0.618 + t * 0.05;
        const walks = i % 4 !== 0 ? 1 : 0;
        sim.setInput(ids[i]!, { seq: t / 2 + 1, moveX: walks * Math.cos(a), moveY: walks * Math.sin(a) });
      }
    }
    const out = sim.step();
    const t1 = cpu();
    for (const e of out) {
      // Spawns and despawns reach the schema as the room's StepEffects would put them there.
      if (e.kind === "npc_spawned") mirror.npcSpawned(e.npcId);
      else if (e.kind === "npc_despawned") mirror.npcDespawned(e.npcId);
    }
    mirror.publish();
    const t2 = cpu();
    events += out.length;
    hash.update(JSON.stringify(out));
    // What the clients would get, now and then: the replicated fields as the schema holds them.
    if (t % 50 === 49) {
      for (const [id, v] of state.players)
        hash.update(`${id}:${v.x}:${v.y}:${v.z}:${v.heading}:${v.hp}:${v.ack}`);
      for (const [id, v] of state.npcs) hash.update(`${id}:${v.x}:${v.y}:${v.hp}:${v.maxHp}`);
    }
    if (t >= WARMUP) {
      total.sim += t1 - t0;
      total.publish += t2 - t1;
    }
  }
  for (const p of sim.players()) hash.update(`${p.sessionId}:${p.x}:${p.y}:${p.hp}:${p.ack}`);
  for (const n of sim.npcs()) hash.update(`${n.id}:${n.x}:${n.y}:${n.hp}:${n.state}`);
  const per = (us: number) => us / STEPS;
  return {
    perStep: { sim: per(total.sim), publish: per(total.publish) },
    checksum: hash.digest("hex").slice(0, 16),
    events,
  };
}

const fmt = (us: number) => `${(us / 1000).toFixed(3)} ms`;
console.log(`${PLAYERS} players, ${def.id}, ${STEPS} steps after ${WARMUP} warm-up, CPU per step:`);
for (let r = 0; r < Number(args.repeat); r++) {
  const { perStep: p, checksum, events } = run();
  console.log(
    `run ${r + 1}: step ${fmt(p.sim + p.publish)} = sim ${fmt(p.sim)} + publish ${fmt(p.publish)}` +
      `  (${events} events, checksum ${checksum})`,
  );
}
