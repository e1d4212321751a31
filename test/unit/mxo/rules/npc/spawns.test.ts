import assert from "node:assert/strict";
import { createRng, seedFrom } from "../../../../../src/mxo/rules/npc/rng.js";
import { npcId, spawnNpc, stepSpawns } from "../../../../../src/mxo/rules/npc/spawns.js";
import type { NpcTemplate, SimNpc, SpawnZone } from "../../../../../src/mxo/rules/npc/types.js";

const LURKER: NpcTemplate = {
  id: "lurker",
  name: "Lurker",
  level: 3,
  maxHp: 80,
  speed: 5,
  aggroRadius: 10,
  leashRadius: 40,
  attackRange: 2,
  abilityId: "claw",
  attackInterval: 1.5,
};
const ZONES: SpawnZone[] = [
  {
    id: "alley",
    template: LURKER,
    area: { minX: 0, minY: 0, maxX: 50, maxY: 50 },
    count: 3,
    respawnSeconds: 30,
  },
  {
    id: "roof",
    template: LURKER,
    area: { minX: 500, minY: 500, maxX: 520, maxY: 510 },
    count: 2,
    respawnSeconds: 5,
  },
];

function asMap(list: SimNpc[]): Map<string, SimNpc> {
  return new Map(list.map((n) => [n.id, n]));
}

describe("npc: stepSpawns", () => {
  it("fills every slot of every zone with an idle, healthy NPC inside its area", () => {
    const { spawned, despawned } = stepSpawns(ZONES, new Map(), 0);
    assert.deepEqual(
      spawned.map((n) => n.id),
      ["alley:0", "alley:1", "alley:2", "roof:0", "roof:1"],
    );
    assert.deepEqual(despawned, []);
    for (const n of spawned) {
      const zone = ZONES.find((z) => z.id === n.zoneId)!;
      assert.equal(n.mode, "idle");
      assert.equal(n.hp, LURKER.maxHp);
      assert.equal(n.maxHp, LURKER.maxHp);
      assert.equal(n.respawnSeconds, zone.respawnSeconds);
      assert.deepEqual(n.home, zone.area);
      assert.deepEqual(n.spawn, { x: n.x, y: n.y });
      assert.ok(
        n.x >= zone.area.minX && n.x <= zone.area.maxX && n.y >= zone.area.minY && n.y <= zone.area.maxY,
      );
    }
    assert.notDeepEqual(spawned[0]!.spawn, spawned[1]!.spawn, "slots get different points");
  });

  it("is a no-op once populated, dead NPCs included (they respawn themselves)", () => {
    const npcs = asMap(stepSpawns(ZONES, new Map(), 0).spawned);
    const alley0 = npcs.get("alley:0")!;
    npcs.set("alley:0", { ...alley0, mode: "dead", hp: 0, respawnIn: 30 });
    assert.deepEqual(stepSpawns(ZONES, npcs, 100), { spawned: [], despawned: [] });
  });

  it("refills a slot whose NPC was removed, and only that one", () => {
    const npcs = asMap(stepSpawns(ZONES, new Map(), 0).spawned);
    npcs.delete("roof:1");
    const { spawned } = stepSpawns(ZONES, npcs, 250);
    assert.deepEqual(
      spawned.map((n) => n.id),
      ["roof:1"],
    );
  });

  it("despawns NPCs of removed zones and of slots beyond a reduced count", () => {
    const npcs = asMap(stepSpawns(ZONES, new Map(), 0).spawned);
    const shrunk: SpawnZone[] = [{ ...ZONES[0]!, count: 1 }];
    const { spawned, despawned } = stepSpawns(shrunk, npcs, 10);
    assert.deepEqual(spawned, []);
    assert.deepEqual(despawned.sort(), ["alley:1", "alley:2", "roof:0", "roof:1"]);
  });

  it("is deterministic: same zones, same map, same tick → same NPCs; another tick → other points", () => {
    const a = stepSpawns(ZONES, new Map(), 7).spawned;
    const b = stepSpawns(ZONES, new Map(), 7).spawned;
    assert.deepEqual(a, b);
    const c = stepSpawns(ZONES, new Map(), 8).spawned;
    assert.notDeepEqual(
      a.map((n) => n.spawn),
      c.map((n) => n.spawn),
    );
  });

  it("spawnNpc uses the given rng", () => {
    const zone = ZONES[0]!;
    assert.deepEqual(spawnNpc(zone, 1, createRng(5)), spawnNpc(zone, 1, createRng(5)));
    assert.equal(spawnNpc(zone, 1, createRng(5)).id, npcId("alley", 1));
  });
});

describe("npc: rng", () => {
  it("createRng yields the same stream for the same seed, values in [0, 1)", () => {
    const a = createRng(123);
    const b = createRng(123);
    for (let i = 0; i < 1000; i++) {
      const v = a();
      assert.equal(v, b());
      assert.ok(v >= 0 && v < 1);
    }
    assert.notEqual(createRng(1)(), createRng(2)());
  });

  it("seedFrom separates its parts", () => {
    assert.equal(seedFrom("a", 1), seedFrom("a", 1));
    assert.notEqual(seedFrom("a", 12), seedFrom("a1", 2));
  });
});
