import assert from "node:assert/strict";
import type { Bounds } from "../../../../../src/framework/movement.js";
import { createRng, type Rng } from "../../../../../src/mxo/rules/npc/rng.js";
import { spawnNpc } from "../../../../../src/mxo/rules/npc/spawns.js";
import { CHASE_STOP_FACTOR, LEASH_SPEED_FACTOR, stepNpc } from "../../../../../src/mxo/rules/npc/stepNpc.js";
import type {
  NpcIntent,
  NpcTargetView,
  NpcTemplate,
  NpcWorldView,
  SimNpc,
  SpawnZone,
} from "../../../../../src/mxo/rules/npc/types.js";

const DT = 1 / 20;
const BOUNDS: Bounds = { minX: 0, minY: 0, maxX: 1000, maxY: 1000 };
const AGENT: NpcTemplate = {
  id: "agent",
  name: "Agent",
  level: 10,
  maxHp: 200,
  speed: 8,
  aggroRadius: 20,
  leashRadius: 60,
  attackRange: 3,
  abilityId: "punch",
  attackInterval: 2,
};
const ZONE: SpawnZone = {
  id: "z",
  template: AGENT,
  area: { minX: 100, minY: 100, maxX: 140, maxY: 140 },
  count: 1,
  respawnSeconds: 10,
};

/** An idle NPC standing at (120, 120), its spawn point, with no wander pending. */
function npc(over: Partial<SimNpc> = {}): SimNpc {
  return {
    ...spawnNpc(ZONE, 0, createRng(1)),
    x: 120,
    y: 120,
    spawn: { x: 120, y: 120 },
    pause: 1000,
    ...over,
  };
}

function view(players: Record<string, NpcTargetView> = {}): NpcWorldView {
  return { bounds: BOUNDS, players: new Map(Object.entries(players)) };
}

function run(start: SimNpc, world: NpcWorldView, steps: number, rng: Rng = createRng(7)) {
  let current = start;
  const intents: NpcIntent[] = [];
  for (let i = 0; i < steps; i++) {
    const r = stepNpc(current, world, DT, rng);
    current = r.npc;
    intents.push(...r.intents);
  }
  return { npc: current, intents };
}

const dist = (a: { x: number; y: number }, b: { x: number; y: number }) => Math.hypot(a.x - b.x, a.y - b.y);

describe("npc: stepNpc", () => {
  it("does not modify the NPC it is given", () => {
    const before = npc();
    const frozen = structuredClone(before);
    stepNpc(before, view({ p: { x: 125, y: 120, hp: 100 } }), DT, createRng(1));
    assert.deepEqual(before, frozen);
  });

  describe("idle", () => {
    it("stays idle with nobody in aggro radius", () => {
      const { npc: after } = stepNpc(
        npc(),
        view({ far: { x: 120 + 21, y: 120, hp: 100 } }),
        DT,
        createRng(1),
      );
      assert.equal(after.mode, "idle");
      assert.equal(after.targetId, null);
    });

    it("idle → chase when a living player comes within aggro radius, picking the nearest", () => {
      const { npc: after, intents } = stepNpc(
        npc(),
        view({
          far: { x: 135, y: 120, hp: 100 },
          near: { x: 110, y: 120, hp: 100 },
          dead: { x: 121, y: 120, hp: 0 },
        }),
        DT,
        createRng(1),
      );
      assert.equal(after.mode, "chase");
      assert.equal(after.targetId, "near");
      assert.deepEqual(intents, []);
      assert.ok(after.x < 120, "moved toward the target");
    });

    it("ignores dead players", () => {
      const { npc: after } = stepNpc(npc(), view({ corpse: { x: 121, y: 120, hp: 0 } }), DT, createRng(1));
      assert.equal(after.mode, "idle");
    });
  });

  describe("chase", () => {
    it("moves toward the target at the NPC's speed", () => {
      const start = npc({ mode: "chase", targetId: "p" });
      const { npc: after } = stepNpc(start, view({ p: { x: 140, y: 120, hp: 100 } }), DT, createRng(1));
      assert.equal(after.mode, "chase");
      assert.ok(Math.abs(after.x - (120 + AGENT.speed * DT)) < 1e-9);
      assert.equal(after.y, 120);
      assert.equal(after.heading, 0);
    });

    it("chase → attack once in range, stopping inside the range instead of walking into the target", () => {
      const { npc: after, intents } = run(
        npc({ mode: "chase", targetId: "p" }),
        view({ p: { x: 135, y: 120, hp: 100 } }),
        60,
      );
      assert.equal(after.mode, "attack");
      assert.ok(Math.abs(dist(after, { x: 135, y: 120 }) - AGENT.attackRange * CHASE_STOP_FACTOR) < 1e-9);
      assert.ok(intents.length >= 1);
    });

    it("chase → leash when the target is beyond leash radius from spawn", () => {
      const start = npc({ mode: "chase", targetId: "p", x: 150, y: 120 });
      const { npc: after } = stepNpc(start, view({ p: { x: 120 + 61, y: 120, hp: 100 } }), DT, createRng(1));
      assert.equal(after.mode, "leash");
      assert.equal(after.targetId, null);
    });

    it("switches to another player in aggro radius when the target dies, else leashes", () => {
      const start = npc({ mode: "chase", targetId: "p", x: 130, y: 120 });
      const retarget = stepNpc(
        start,
        view({ p: { x: 140, y: 120, hp: 0 }, q: { x: 130, y: 130, hp: 50 } }),
        DT,
        createRng(1),
      );
      assert.equal(retarget.npc.mode, "chase");
      assert.equal(retarget.npc.targetId, "q");

      const gone = stepNpc(start, view({}), DT, createRng(1));
      assert.equal(gone.npc.mode, "leash");
      assert.equal(gone.npc.targetId, null);
    });
  });

  describe("attack", () => {
    it("emits an attack intent for the combat system, then one per attack interval", () => {
      const start = npc({ mode: "chase", targetId: "p", x: 120, y: 120 });
      const world = view({ p: { x: 122, y: 120, hp: 100 } });
      const first = stepNpc(start, world, DT, createRng(1));
      assert.equal(first.npc.mode, "attack");
      assert.deepEqual(first.intents, [{ kind: "attack", npcId: "z:0", targetId: "p", abilityId: "punch" }]);
      assert.equal(first.npc.x, 120, "does not move while attacking");

      const perInterval = Math.round(AGENT.attackInterval / DT);
      const { intents } = run(first.npc, world, perInterval * 3);
      assert.equal(intents.length, 3);
      // HP is the combat system's to change, never the AI's.
      assert.equal(first.npc.hp, AGENT.maxHp);
    });

    it("attack → chase when the target moves out of range", () => {
      const start = npc({ mode: "attack", targetId: "p" });
      const { npc: after, intents } = stepNpc(
        start,
        view({ p: { x: 130, y: 120, hp: 100 } }),
        DT,
        createRng(1),
      );
      assert.equal(after.mode, "chase");
      assert.deepEqual(intents, []);
      assert.ok(after.x > 120);
    });

    it("keeps attacking a target that steps back but stays within the full attack range", () => {
      const start = npc({ mode: "attack", targetId: "p" });
      const { npc: after } = stepNpc(start, view({ p: { x: 122.9, y: 120, hp: 100 } }), DT, createRng(1));
      assert.equal(after.mode, "attack");
      const chasing = stepNpc(
        npc({ mode: "chase", targetId: "p" }),
        view({ p: { x: 122.9, y: 120, hp: 100 } }),
        DT,
        createRng(1),
      );
      assert.equal(chasing.npc.mode, "chase", "a chase closes in further before attacking");
    });

    it("attack → leash when the target runs beyond leash radius", () => {
      const start = npc({ mode: "attack", targetId: "p", x: 178, y: 120 });
      const { npc: after } = stepNpc(start, view({ p: { x: 181, y: 120, hp: 100 } }), DT, createRng(1));
      assert.equal(after.mode, "leash");
    });
  });

  describe("leash", () => {
    it("runs home ignoring players, then leash → idle at spawn with full HP", () => {
      const start = npc({ mode: "leash", x: 170, y: 120, hp: 37 });
      const world = view({ p: { x: 165, y: 120, hp: 100 } });
      const one = stepNpc(start, world, DT, createRng(1));
      assert.equal(one.npc.mode, "leash", "does not re-aggro on the way home");
      assert.ok(Math.abs(one.npc.x - (170 - AGENT.speed * LEASH_SPEED_FACTOR * DT)) < 1e-9);
      assert.equal(one.npc.hp, 37);

      const steps = Math.ceil(50 / (AGENT.speed * LEASH_SPEED_FACTOR * DT));
      const { npc: home } = run(start, world, steps);
      assert.equal(home.mode, "idle");
      assert.equal(home.x, 120);
      assert.equal(home.y, 120);
      assert.equal(home.hp, AGENT.maxHp);
      assert.equal(home.targetId, null);
    });

    it("full cycle: aggro, chase, leash when kited away, home and whole again", () => {
      let current = npc({ hp: 150 });
      const target = { x: 130, y: 120, hp: 100 };
      const world = view({ p: target });
      const modes = new Set<string>();
      for (let i = 0; i < 400; i++) {
        // The player runs away faster than the NPC.
        target.x = Math.min(999, target.x + 12 * DT);
        current = stepNpc(current, world, DT, createRng(i)).npc;
        modes.add(current.mode);
        if (current.mode === "idle" && modes.has("leash")) break;
      }
      assert.deepEqual([...modes], ["chase", "leash", "idle"]);
      assert.equal(current.hp, AGENT.maxHp);
      assert.deepEqual({ x: current.x, y: current.y }, current.spawn);
    });
  });

  describe("dead", () => {
    it("any mode → dead when combat drops hp to 0; the target is dropped", () => {
      for (const mode of ["idle", "chase", "attack", "leash"] as const) {
        const { npc: after, intents } = stepNpc(
          npc({ mode, targetId: "p", hp: 0 }),
          view({ p: { x: 121, y: 120, hp: 100 } }),
          DT,
          createRng(1),
        );
        assert.equal(after.mode, "dead", mode);
        assert.equal(after.targetId, null);
        assert.equal(after.respawnIn, ZONE.respawnSeconds);
        assert.deepEqual(intents, []);
      }
    });

    it("stays dead for the zone's respawn time, then respawns at a random point of the zone with full HP", () => {
      const world = view({ p: { x: 120, y: 121, hp: 100 } });
      const dead = stepNpc(npc({ mode: "attack", targetId: "p", hp: -5 }), world, DT, createRng(1)).npc;
      const ticks = Math.round(ZONE.respawnSeconds / DT);
      const almost = run(dead, world, ticks - 1).npc;
      assert.equal(almost.mode, "dead");
      assert.equal(almost.hp, 0);
      assert.equal(almost.x, 120, "a corpse does not move");

      const back = stepNpc(almost, world, DT, createRng(99)).npc;
      assert.equal(back.mode, "idle");
      assert.equal(back.hp, AGENT.maxHp);
      assert.notDeepEqual({ x: back.x, y: back.y }, { x: 120, y: 120 });
      assert.ok(back.x >= 100 && back.x <= 140 && back.y >= 100 && back.y <= 140);
      assert.deepEqual(back.spawn, { x: back.x, y: back.y }, "leash distance now counts from here");
    });
  });

  describe("wander", () => {
    it("walks, pauses and walks again, never leaving its zone", () => {
      let current = npc({ pause: 0 });
      const rng = createRng(2024);
      const visited = new Set<string>();
      let pauses = 0;
      for (let i = 0; i < 20 * 120; i++) {
        const before = current;
        current = stepNpc(current, view(), DT, rng).npc;
        assert.equal(current.mode, "idle");
        const { area } = ZONE;
        assert.ok(
          current.x >= area.minX &&
            current.x <= area.maxX &&
            current.y >= area.minY &&
            current.y <= area.maxY,
          `left the zone at ${current.x},${current.y}`,
        );
        const stepLength = dist(before, current);
        assert.ok(stepLength <= AGENT.speed * 0.5 * DT + 1e-9, "wanders at half speed");
        if (before.wanderTo !== null && current.wanderTo === null) pauses++;
        visited.add(`${Math.floor(current.x / 10)},${Math.floor(current.y / 10)}`);
      }
      assert.ok(pauses >= 3, `only ${pauses} wander legs in two minutes`);
      assert.ok(visited.size >= 3, "wandered around");
    });

    it("an NPC pushed outside its zone walks back in rather than jumping", () => {
      const start = npc({ x: 300, y: 300, pause: 0 });
      const { npc: after } = stepNpc(start, view(), DT, createRng(3));
      assert.ok(dist(start, after) <= AGENT.speed * 0.5 * DT + 1e-9);
      assert.ok(after.x < 300 && after.y < 300);
    });
  });

  describe("determinism", () => {
    function simulate(seed: number) {
      const rng = createRng(seed);
      let current = npc({ pause: 0 });
      const trace: string[] = [];
      const player = { x: 500, y: 500, hp: 100 };
      const world = view({ p: player });
      for (let i = 0; i < 2000; i++) {
        // The player walks by the zone, gets chased, and later kills the NPC.
        player.x = 500 - i * 0.3;
        player.y = 500 - i * 0.3;
        if (i === 1500) current = { ...current, hp: 0 };
        const r = stepNpc(current, world, DT, rng);
        current = r.npc;
        trace.push(`${current.mode} ${current.x} ${current.y} ${r.intents.length}`);
      }
      return trace;
    }

    it("the same seed gives the same trajectory; another seed another one", () => {
      const a = simulate(42);
      assert.deepEqual(simulate(42), a);
      assert.notDeepEqual(simulate(43), a);
      assert.ok(a.some((t) => t.startsWith("chase")) && a.some((t) => t.startsWith("dead")));
    });
  });
});
