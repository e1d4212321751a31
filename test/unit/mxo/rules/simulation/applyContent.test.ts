import assert from "node:assert/strict";
import {
  CLOSE_COMBAT_ABILITY,
  DistrictSimulation,
  type GameEvent,
} from "../../../../../src/mxo/rules/index.js";
import {
  assertOk,
  assertRefused,
  combatEvents,
  dist,
  editedPack,
  join,
  ofKind,
  pack,
  run,
  runUntil,
  sim,
  TICK_RATE,
} from "./helpers.js";

const PUNKS = "rl-z-mara-punks";
const ENFORCERS = "rl-z-pentire-enforcers";

/** Shipped pack with the punk template renamed and its HP doubled (180 → 360). */
function punksRenamed(json: any): void {
  const punk = json.npcs.find((n: any) => n.id === "rl-la-punk");
  punk.name = "Lost Angel Brawler";
  punk.hp = 360;
}

function zoneOf(json: any, zoneId: string): any {
  return json.districts.find((d: any) => d.id === "richland").spawnZones.find((z: any) => z.id === zoneId);
}

/** The shipped pack without richland (and what only richland used), optionally with more removed. */
function withoutRichland(json: any): void {
  json.districts = json.districts.filter((d: any) => d.id !== "richland");
  json.missions = json.missions.filter((m: any) => m.district !== "richland");
  json.contacts = json.contacts.filter((c: any) => c.location.district !== "richland");
}

/** Hits `npcId` with a-strike until one blow lands; returns its HP after. */
function woundOnce(s: DistrictSimulation, sessionId: string, npcId: string): number {
  const events = runUntil(
    s,
    (evs) => combatEvents(evs, "damage").some((d) => d.targetId === npcId && d.sourceId === sessionId),
    400,
    () => {
      s.useAbility(sessionId, "a-strike", npcId);
    },
  );
  assert.ok(events.length > 0);
  return s.npc(npcId)!.hp;
}

function npcsIn(s: DistrictSimulation, zoneId: string) {
  return s.npcs().filter((n) => n.id.startsWith(`${zoneId}:`));
}

describe("game: DistrictSimulation.applyContent (hot content deploy)", () => {
  it("a renamed template with more HP reaches live NPCs (HP fraction kept) and new spawns", () => {
    const s = sim();
    s.step();
    const target = npcsIn(s, PUNKS)[0]!;
    s.addPlayer(join("p1", target.x + 1, target.y, { level: 5, maxHp: 5000, hp: 5000 }));
    const hpBefore = woundOnce(s, "p1", target.id);
    assert.ok(hpBefore < 180 && hpBefore > 0, `wounded: ${hpBefore}`);

    const next = editedPack((json) => {
      punksRenamed(json);
      zoneOf(json, PUNKS).count = 7;
    });
    const result = s.applyContent(next);
    assert.equal(result.district, "changed");
    assert.deepEqual(result.warnings, []);

    const changed = ofKind(result.events, "npc_changed");
    assert.deepEqual(
      changed.map((e) => e.npcId).sort(),
      [0, 1, 2, 3, 4].map((i) => `${PUNKS}:${i}`),
    );
    for (const e of changed) {
      assert.equal(e.tick, s.tick);
      assert.equal(e.template, "rl-la-punk");
      assert.equal(e.name, "Lost Angel Brawler");
      assert.equal(e.level, 3);
      assert.equal(e.maxHp, 360);
      assert.equal(e.hp, s.npc(e.npcId)!.hp);
    }
    // Only punks changed: nobody else is reported.
    assert.equal(changed.length, 5);

    const wounded = s.npc(target.id)!;
    assert.equal(wounded.name, "Lost Angel Brawler");
    assert.equal(wounded.maxHp, 360);
    assert.equal(wounded.hp, Math.round((hpBefore / 180) * 360));
    assert.equal(s.combatant(target.id)!.maxHp, 360);
    assert.equal(s.combatant(target.id)!.hp, wounded.hp);
    for (const n of npcsIn(s, PUNKS)) {
      assert.equal(n.name, "Lost Angel Brawler");
      if (n.id !== target.id) assert.equal(n.hp, 360);
    }

    // The zone grew: two new slots filled at once, with the new template.
    const spawned = ofKind(result.events, "npc_spawned");
    assert.deepEqual(
      spawned.map((e) => e.npcId),
      [`${PUNKS}:5`, `${PUNKS}:6`],
    );
    for (const e of spawned) {
      const n = s.npc(e.npcId)!;
      assert.equal(n.name, "Lost Angel Brawler");
      assert.equal(n.hp, 360);
      assert.equal(s.combatant(e.npcId)!.maxHp, 360);
    }
    // The wounded one still fights, and the simulation runs on.
    run(s, 40);
    assert.ok(s.npc(target.id));
  });

  it("a respawn after the deploy uses the new template", () => {
    const s = sim();
    s.step();
    const lookout = npcsIn(s, "rl-z-mara-lookouts")[0]!;
    s.addPlayer(join("p1", lookout.x + 1, lookout.y, { level: 10, maxHp: 5000, hp: 5000 }));
    s.applyContent(
      editedPack((json) => {
        const t = json.npcs.find((n: any) => n.id === "rl-la-lookout");
        t.name = "Lost Angel Watcher";
        t.hp = 150;
        zoneOf(json, "rl-z-mara-lookouts").respawnSeconds = 5;
      }),
    );
    runUntil(
      s,
      (evs) => ofKind(evs, "death").some((d) => d.id === lookout.id),
      4000,
      () => {
        for (const a of ["a-strike", "a-shot"]) s.useAbility("p1", a, lookout.id);
      },
    );
    s.removePlayer("p1");
    const events = runUntil(
      s,
      (evs) => ofKind(evs, "npc_spawned").some((e) => e.npcId === lookout.id && e.respawn),
      10 * TICK_RATE,
    );
    assert.ok(events.length > 0);
    const back = s.npc(lookout.id)!;
    assert.equal(back.name, "Lost Angel Watcher");
    assert.equal(back.hp, 150);
    assert.equal(back.maxHp, 150);
  });

  it("a removed zone despawns its NPCs, ending their fights", () => {
    const s = sim();
    s.step();
    const enforcer = npcsIn(s, ENFORCERS)[0]!;
    s.addPlayer(join("p1", enforcer.x + 1, enforcer.y, { level: 10, maxHp: 5000, hp: 5000 }));
    assertOk(s.useAbility("p1", CLOSE_COMBAT_ABILITY, enforcer.id));
    assert.ok(s.player("p1")!.interlockId);

    const result = s.applyContent(
      editedPack((json) => {
        const rl = json.districts.find((d: any) => d.id === "richland");
        rl.spawnZones = rl.spawnZones.filter((z: any) => z.id !== ENFORCERS);
        json.missions = json.missions.filter((m: any) =>
          m.objectives.every((o: any) => o.template !== "rl-la-enforcer"),
        );
      }),
    );
    const gone = ofKind(result.events, "npc_despawned");
    assert.deepEqual(
      gone.map((e) => e.npcId).sort(),
      [0, 1, 2, 3].map((i) => `${ENFORCERS}:${i}`),
    );
    assert.ok(gone.every((e) => e.template === "rl-la-enforcer"));
    assert.equal(npcsIn(s, ENFORCERS).length, 0);
    assert.equal(s.combatant(enforcer.id), undefined);
    assert.equal(s.positions().has(enforcer.id), false);
    const ended = combatEvents(result.events, "interlock_ended");
    assert.equal(ended.length, 1);
    assert.equal(ended[0]!.reason, "removed");
    assert.equal(s.player("p1")!.interlockId, null);
    assertRefused(s.useAbility("p1", "a-strike", enforcer.id), "not_found");
    // Nothing comes back on later steps.
    assert.equal(ofKind(run(s, 100), "npc_spawned").filter((e) => e.npcId.startsWith(ENFORCERS)).length, 0);
  });

  it("an added zone starts spawning, inside its circle", () => {
    const s = sim();
    s.step();
    const before = s.npcs().length;
    const center = { x: 1400, y: 1100, z: 0 };
    const result = s.applyContent(
      editedPack((json) => {
        json.districts
          .find((d: any) => d.id === "richland")
          .spawnZones.push({
            id: "rl-z-new-scouts",
            template: "rl-la-lookout",
            count: 2,
            center,
            radius: 10,
            respawnSeconds: 30,
          });
      }),
    );
    assert.equal(result.district, "changed");
    const spawned = ofKind(result.events, "npc_spawned");
    assert.deepEqual(
      spawned.map((e) => [e.npcId, e.template, e.respawn]),
      [
        ["rl-z-new-scouts:0", "rl-la-lookout", false],
        ["rl-z-new-scouts:1", "rl-la-lookout", false],
      ],
    );
    assert.equal(s.npcs().length, before + 2);
    for (const e of spawned) {
      assert.ok(dist(s.npc(e.npcId)!, center) <= 10, "inside the zone");
      assert.equal(s.npc(e.npcId)!.name, "Lost Angel Lookout");
      assert.ok(s.combatant(e.npcId), "a combatant");
    }
    assert.deepEqual(ofKind(result.events, "npc_changed"), []);
    assert.deepEqual(ofKind(result.events, "npc_despawned"), []);
    run(s, 60);
    assert.equal(npcsIn(s, "rl-z-new-scouts").length, 2);
  });

  it("a zone that now spawns another template replaces its NPCs", () => {
    const s = sim();
    s.step();
    const result = s.applyContent(
      editedPack((json) => {
        zoneOf(json, "rl-z-mara-lookouts").template = "rl-informant";
      }),
    );
    const ids = [0, 1, 2].map((i) => `rl-z-mara-lookouts:${i}`);
    assert.deepEqual(
      ofKind(result.events, "npc_despawned").map((e) => e.npcId),
      ids,
    );
    assert.deepEqual(
      ofKind(result.events, "npc_spawned").map((e) => [e.npcId, e.template]),
      ids.map((id) => [id, "rl-informant"]),
    );
    for (const id of ids) {
      assert.equal(s.npc(id)!.name, "Nervous Informant");
      assert.equal(s.combatant(id), undefined, "passive: not a combatant");
    }
    // Despawn before spawn for each id, so a room applying them in order ends with the new NPC.
    const order = result.events.filter((e) => e.kind === "npc_despawned" || e.kind === "npc_spawned");
    assert.equal(order[0]!.kind, "npc_despawned");
    assert.equal(order.at(-1)!.kind, "npc_spawned");
  });

  it("a template turned passive leaves combat", () => {
    const s = sim();
    s.step();
    const punk = npcsIn(s, PUNKS)[0]!;
    s.addPlayer(join("p1", punk.x + 1, punk.y, { level: 5, maxHp: 5000, hp: 5000 }));
    woundOnce(s, "p1", punk.id);
    s.applyContent(
      editedPack((json) => {
        const t = json.npcs.find((n: any) => n.id === "rl-la-punk");
        t.behavior = "passive";
        t.aggroRadius = 0;
      }),
    );
    assert.equal(s.combatant(punk.id), undefined);
    assertRefused(s.useAbility("p1", "a-strike", punk.id), "invalid_target");
    const later = run(s, 100);
    assert.equal(
      combatEvents(later, "damage").filter((d) => d.sourceId.startsWith(PUNKS)).length,
      0,
      "punks no longer attack",
    );
  });

  it("player abilities and loot come from the new pack", () => {
    const s = sim();
    s.step();
    const lookout = npcsIn(s, "rl-z-mara-lookouts")[0]!;
    s.addPlayer(join("p1", lookout.x + 1, lookout.y, { level: 1, maxHp: 5000, hp: 5000 }));
    assert.ok(s.combatant("p1")!.loadout.includes("a-strike"));
    s.applyContent(
      editedPack((json) => {
        // Strike now needs level 2; the street table always drops a health pack and fixed info.
        json.abilities.find((a: any) => a.id === "a-strike").requiredLevel = 2;
        const table = json.lootTables.find((t: any) => t.id === "lt-la-street");
        table.entries = [{ item: "cons-health-pack", chance: 1, min: 3, max: 3 }];
        table.info = { min: 7, max: 7 };
      }),
    );
    assert.equal(s.combatant("p1")!.loadout.includes("a-strike"), false);
    assertRefused(s.useAbility("p1", "a-strike", lookout.id), "not_in_loadout");

    const events = runUntil(
      s,
      (evs) => ofKind(evs, "death").some((d) => d.id === lookout.id),
      4000,
      () => {
        s.useAbility("p1", "a-shot", lookout.id);
      },
    );
    const loot = ofKind(events, "loot").find((l) => l.npcId === lookout.id);
    assert.ok(loot, "loot rolled");
    assert.deepEqual(loot.items, [{ itemId: "cons-health-pack", quantity: 3 }]);
    assert.equal(loot.info, 7);
  });

  it("hands back the events of requests made since the last step, then its own", () => {
    const s = sim();
    s.step();
    const punk = npcsIn(s, PUNKS)[0]!;
    s.addPlayer(join("p1", punk.x + 1, punk.y, { level: 5, maxHp: 5000, hp: 5000 }));
    assertOk(s.useAbility("p1", "a-shot", punk.id));
    const result = s.applyContent(editedPack(punksRenamed));
    assert.equal(result.events[0]!.kind, "combat");
    assert.ok(combatEvents(result.events, "ability_used").some((e) => e.casterId === "p1"));
    assert.ok(ofKind(result.events, "npc_changed").length > 0);
    // Not repeated by the next step.
    assert.equal(combatEvents(s.step(), "ability_used").filter((e) => e.casterId === "p1").length, 0);
  });

  it("the same pack again changes nothing", () => {
    const s = sim();
    run(s, 10);
    const before = JSON.stringify(s.npcs());
    const result = s.applyContent(pack());
    assert.equal(result.district, "unchanged");
    assert.deepEqual(result.events, []);
    assert.equal(JSON.stringify(s.npcs()), before);
  });

  it("new bounds clamp everyone inside them", () => {
    const s = sim();
    s.step();
    s.addPlayer(join("p1", 2950, 2300));
    const result = s.applyContent(
      editedPack((json) => {
        json.districts.find((d: any) => d.id === "richland").bounds = {
          minX: 0,
          minY: 0,
          maxX: 2800,
          maxY: 2200,
        };
      }),
    );
    assert.equal(result.district, "changed");
    assert.equal(s.district.bounds.maxX, 2800);
    const p = s.player("p1")!;
    assert.equal(p.x, 2800);
    assert.equal(p.y, 2200);
    s.setInput("p1", { seq: 1, moveX: 1, moveY: 1 });
    s.step();
    assert.ok(s.player("p1")!.x <= 2800);
  });

  it("is deterministic: the same seed and the same calls give the same events", () => {
    const script = () => {
      const s = sim(undefined, { seed: 42 });
      const all: GameEvent[] = [...s.step()];
      const punk = npcsIn(s, PUNKS)[0]!;
      s.addPlayer(join("p1", punk.x + 2, punk.y, { level: 4, maxHp: 2000, hp: 2000 }));
      const attack = () => {
        s.useAbility("p1", "a-strike", punk.id);
        s.useAbility("p1", "a-shot", punk.id);
      };
      all.push(...run(s, 60, attack));
      const applied = s.applyContent(
        editedPack((json) => {
          punksRenamed(json);
          zoneOf(json, PUNKS).count = 3;
          zoneOf(json, "rl-z-mara-lookouts").center = { x: 1520, y: 1230, z: 0 };
          json.districts
            .find((d: any) => d.id === "richland")
            .spawnZones.push({
              id: "rl-z-extra",
              template: "rl-la-punk",
              count: 4,
              center: { x: 1600, y: 1300, z: 0 },
              radius: 30,
              respawnSeconds: 10,
            });
        }),
      );
      all.push(...applied.events);
      all.push(...run(s, 300, attack));
      return {
        events: JSON.stringify(all),
        npcs: JSON.stringify(s.npcs()),
        players: JSON.stringify(s.players()),
      };
    };
    const a = script();
    const b = script();
    assert.equal(a.events, b.events);
    assert.equal(a.npcs, b.npcs);
    assert.equal(a.players, b.players);
    assert.ok(a.events.includes("npc_changed") && a.events.includes("npc_despawned"));
  });

  describe("a pack without this district", () => {
    it("keeps running the old definition, says so, and still applies the rest", () => {
      const s = sim();
      run(s, 5);
      const ids = s
        .npcs()
        .map((n) => n.id)
        .sort();
      const result = s.applyContent(
        editedPack((json) => {
          withoutRichland(json);
          punksRenamed(json);
        }),
      );
      assert.equal(result.district, "missing");
      assert.ok(result.warnings.some((w) => w.includes("richland")));
      assert.equal(s.district.id, "richland");
      assert.deepEqual(ofKind(result.events, "npc_despawned"), []);
      assert.deepEqual(
        s
          .npcs()
          .map((n) => n.id)
          .sort(),
        ids,
      );
      assert.equal(ofKind(result.events, "npc_changed").length, 5, "the renamed punks");
      assert.equal(s.content.district("richland")?.id, "richland");
      // Runs on: players join, move, fight.
      s.addPlayer(join("p1", 1500, 1200));
      run(s, 100, () => s.setInput("p1", { seq: 1, moveX: 1, moveY: 0 }));
      assert.ok(s.player("p1")!.x > 1500);
    });

    it("keeps the templates and loot tables its zones need from the old pack", () => {
      const s = sim();
      s.step();
      const lookout = npcsIn(s, "rl-z-mara-lookouts")[0]!;
      const next = editedPack((json) => {
        withoutRichland(json);
        json.npcs = json.npcs.filter((n: any) => n.id !== "rl-la-punk" && n.id !== "rl-la-lookout");
        json.lootTables = json.lootTables.filter((t: any) => t.id !== "lt-la-street");
      });
      assert.equal(next.npc("rl-la-punk"), undefined);
      const result = s.applyContent(next);
      assert.equal(result.district, "missing");
      for (const kept of ["npc rl-la-punk", "npc rl-la-lookout", "lootTable lt-la-street"]) {
        assert.ok(
          result.warnings.some((w) => w.endsWith(kept)),
          `${kept} in ${JSON.stringify(result.warnings)}`,
        );
      }
      assert.deepEqual(ofKind(result.events, "npc_despawned"), []);
      assert.equal(npcsIn(s, PUNKS).length, 5);
      assert.equal(npcsIn(s, PUNKS)[0]!.name, "Lost Angel Punk");

      // A kill still rolls the kept table.
      s.addPlayer(join("p1", lookout.x + 1, lookout.y, { level: 10, maxHp: 5000, hp: 5000 }));
      const events = runUntil(
        s,
        (evs) => ofKind(evs, "death").some((d) => d.id === lookout.id),
        4000,
        () => {
          for (const a of ["a-strike", "a-shot"]) s.useAbility("p1", a, lookout.id);
        },
      );
      assert.ok(ofKind(events, "kill").some((k) => k.npcId === lookout.id));
      const loot = ofKind(events, "loot").find((l) => l.npcId === lookout.id);
      assert.ok(loot && loot.info >= 5 && loot.info <= 20, "information from the kept lt-la-street");

      // A later pack that has the district again takes over as usual.
      const back = s.applyContent(editedPack(punksRenamed));
      assert.equal(back.district, "unchanged");
      assert.deepEqual(back.warnings, []);
      assert.equal(npcsIn(s, PUNKS)[0]!.name, "Lost Angel Brawler");
    });
  });
});
