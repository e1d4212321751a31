import assert from "node:assert/strict";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { ContentPack } from "../../../src/mxo/content/ContentPack.js";
import { formatIssue } from "../../../src/mxo/content/ContentError.js";
import { DistrictCatalog } from "../../../src/mxo/content/districts.js";
import { loadContentPack } from "../../../src/mxo/content/loadContentPack.js";
import { ABILITY_TREES } from "../../../src/mxo/content/schema/ability.js";
import { validateContentPack } from "../../../src/mxo/content/validateContentPack.js";
import { ORGANIZATIONS } from "../../../src/mxo/rules/characterRules.js";

const SHIPPED_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../../content");
const DISTRICTS = ["richland", "westview", "international", "downtown"];
/** Within sight of the arrival hardline. */
const SIGHT = 50;

/** Reference curves the shipped numbers stay near (bosses and Agents sit above them). */
const hpCurve = (level: number) => 60 + 40 * level;
const xpCurve = (level: number) => 5 + level * (10 + level);

describe("content: the shipped pack", () => {
  let pack: ContentPack;
  before(() => {
    pack = loadContentPack(SHIPPED_DIR);
  });

  it("loads with zero issues and survives a JSON round trip unchanged", () => {
    const again = validateContentPack(JSON.parse(JSON.stringify(pack)));
    assert.ok(again.ok, again.ok ? "" : again.errors.map(formatIssue).join("\n"));
    assert.deepEqual(again.pack.toJSON(), pack.toJSON());
  });

  it("meets the minimum counts", () => {
    assert.deepEqual(
      pack.districts.map((d) => d.id),
      DISTRICTS,
    );
    assert.ok(pack.abilities.length >= 20, `${pack.abilities.length} abilities`);
    assert.ok(pack.items.length >= 15, `${pack.items.length} items`);
    assert.ok(pack.npcs.length >= 12, `${pack.npcs.length} npc templates`);
    assert.ok(pack.missions.length >= 8, `${pack.missions.length} missions`);
    for (const kind of ["weapon", "clothing", "consumable", "mission"] as const) {
      assert.ok(
        pack.items.some((i) => i.kind === kind),
        `an item of kind ${kind}`,
      );
    }
  });

  for (const id of DISTRICTS) {
    describe(id, () => {
      it("is 2,200–3,200 units a side, CR2, no PvP, walking speed 6", () => {
        const d = pack.district(id)!;
        for (const side of [d.bounds.maxX - d.bounds.minX, d.bounds.maxY - d.bounds.minY]) {
          assert.ok(side >= 2200 && side <= 3200, `side ${side}`);
        }
        assert.equal(d.combatRules, "CR2");
        assert.equal(d.pvp, false);
        assert.equal(d.moveSpeed, 6);
        assert.ok(d.spawnPoints.length >= 1, "a spawn point");
      });

      it("spawns at least 3 NPC templates", () => {
        const templates = pack.npcsSpawnedIn(id);
        assert.ok(templates.length >= 3, templates.map((n) => n.id).join(", "));
        for (const n of templates) assert.ok(n.lootTable, `${n.id} drops loot`);
      });

      it("has low-level NPCs in sight of the arrival hardline that cannot reach a newcomer there", () => {
        const d = pack.district(id)!;
        const hl = d.hardlines.find((h) => h.arrival)!;
        const near = d.spawnZones.filter((z) => Math.hypot(z.center.x - hl.x, z.center.y - hl.y) <= SIGHT);
        assert.ok(near.length >= 1, "a spawn zone within sight of the arrival hardline");
        for (const z of near) {
          const npc = pack.npc(z.template)!;
          assert.ok(npc.level <= 3, `${npc.id} is level ${npc.level}`);
          const gap = Math.hypot(z.center.x - hl.x, z.center.y - hl.y) - z.radius;
          assert.ok(gap > npc.aggroRadius + d.arrivalRadius, `${z.id} aggroes newcomers on arrival`);
        }
      });

      it("has contacts and missions, from a level-1 one up", () => {
        const missions = pack.missionsIn(id);
        assert.ok(missions.length >= 2, `${missions.length} missions`);
        assert.ok(
          missions.some((m) => m.requiredLevel === 1),
          "a level-1 mission",
        );
        assert.ok(pack.contactsIn(id).length >= 1);
        for (const m of missions) {
          assert.equal(pack.contact(m.contact)?.location.district, id, `${m.id}'s contact stands in ${id}`);
        }
      });
    });
  }

  describe("missions are playable", () => {
    it("eliminate targets are spawned in the mission's district, near its level", () => {
      for (const m of pack.missions) {
        for (const o of m.objectives) {
          if (o.kind !== "eliminate") continue;
          const spawned = pack.npcsSpawnedIn(m.district).map((n) => n.id);
          assert.ok(spawned.includes(o.template), `${m.id}: ${o.template} is not spawned in ${m.district}`);
          const level = pack.npc(o.template)!.level;
          assert.ok(level <= m.requiredLevel + 5, `${m.id}: ${o.template} is level ${level}`);
        }
      }
    });

    it("collect items drop from NPCs spawned in the mission's district", () => {
      for (const m of pack.missions) {
        for (const o of m.objectives) {
          if (o.kind !== "collect") continue;
          const sources = pack
            .npcsSpawnedIn(m.district)
            .filter((n) =>
              pack.lootTable(n.lootTable!)!.entries.some((e) => e.item === o.item && e.chance > 0),
            );
          assert.ok(sources.length > 0, `${m.id}: nothing in ${m.district} drops ${o.item}`);
          const lowest = Math.min(...sources.map((n) => n.level));
          assert.ok(lowest <= m.requiredLevel + 5, `${m.id}: ${o.item} drops from level ${lowest} up`);
        }
      }
    });

    it("escorted and met NPCs are civilians the mission places", () => {
      for (const m of pack.missions) {
        for (const o of m.objectives) {
          const template = o.kind === "escort" ? o.template : o.kind === "meet" ? o.npc : undefined;
          if (template === undefined) continue;
          assert.equal(pack.npc(template)!.behavior, "passive", `${m.id}: ${template}`);
        }
      }
    });

    it("every mission item is dropped somewhere and collected by a mission", () => {
      for (const item of pack.items.filter((i) => i.kind === "mission")) {
        assert.ok(
          pack.lootTables.some((t) => t.entries.some((e) => e.item === item.id)),
          `${item.id} drops`,
        );
        assert.ok(
          pack.missions.some((m) => m.objectives.some((o) => o.kind === "collect" && o.item === item.id)),
          `${item.id} is collected`,
        );
        assert.equal(item.tradeable, false);
      }
    });

    it("every organization has missions and reputation to earn", () => {
      for (const org of ORGANIZATIONS) {
        assert.ok(
          pack.missions.some((m) => m.organization === org),
          `a ${org} mission`,
        );
        assert.ok(
          pack.missions.some((m) => (m.rewards.reputation[org] ?? 0) > 0),
          `${org} reputation`,
        );
      }
    });

    it("every contact hands out a mission, every loot table and hostile template is used", () => {
      for (const c of pack.contacts)
        assert.ok(
          pack.missions.some((m) => m.contact === c.id),
          c.id,
        );
      for (const t of pack.lootTables)
        assert.ok(
          pack.npcs.some((n) => n.lootTable === t.id),
          t.id,
        );
      const spawned = new Set(pack.districts.flatMap((d) => d.spawnZones.map((z) => z.template)));
      for (const n of pack.npcs.filter((n) => n.behavior !== "passive")) assert.ok(spawned.has(n.id), n.id);
    });
  });

  describe("abilities", () => {
    it("cover every tree, and every tree leads back to the Awakened root", () => {
      for (const tree of ABILITY_TREES)
        assert.ok(pack.abilitiesIn(tree).length >= 3, `${tree} has 3 abilities`);
      for (const id of ["a-sprint", "a-jump", "a-hyperjump"])
        assert.equal(pack.ability(id)?.tree, "awakened");
      for (const a of pack.abilities) {
        let current = a;
        const seen = new Set<string>();
        while (current.tree !== "awakened") {
          assert.ok(current.prerequisites.length > 0, `${current.id} has a prerequisite`);
          seen.add(current.id);
          current = pack.ability(current.prerequisites[0]!)!;
          assert.ok(!seen.has(current.id));
        }
      }
    });

    it("use ranges of 2–5 units in melee and 20–40 at range", () => {
      for (const a of pack.abilities) {
        if (a.target === "self") assert.equal(a.range, 0, a.id);
        else if (a.damageType === "melee" || a.kind === "interlock") {
          assert.ok(a.range >= 2 && a.range <= 5, `${a.id}: ${a.range}`);
        } else assert.ok(a.range >= 20 && a.range <= 40, `${a.id}: ${a.range}`);
      }
      for (const i of pack.items) {
        if (!i.weapon) continue;
        const [lo, hi] = i.weapon.damageType === "melee" ? [2, 5] : [20, 40];
        assert.ok(i.weapon.range >= lo && i.weapon.range <= hi, `${i.id}: ${i.weapon.range}`);
      }
    });

    it("cover the interlock actions and the heal, buff, debuff and movement kinds", () => {
      for (const kind of ["attack", "interlock", "buff", "debuff", "heal", "movement"] as const) {
        assert.ok(
          pack.abilities.some((a) => a.kind === kind),
          kind,
        );
      }
      const actions = new Set(pack.abilities.map((a) => a.interlockAction).filter(Boolean));
      assert.ok(actions.size >= 3, [...actions].join(", "));
    });

    it("grow stronger with level: damage per use rises with the level requirement within a damage type", () => {
      for (const type of ["melee", "ranged", "viral"] as const) {
        const attacks = pack.abilities
          .filter((a) => a.kind === "attack" && a.damageType === type)
          .sort((a, b) => a.requiredLevel - b.requiredLevel);
        for (let i = 1; i < attacks.length; i++) {
          const [prev, cur] = [attacks[i - 1]!, attacks[i]!];
          if (cur.requiredLevel > prev.requiredLevel) {
            assert.ok(cur.damage!.max >= prev.damage!.max, `${cur.id} hits at least as hard as ${prev.id}`);
          }
        }
      }
    });
  });

  it("NPC numbers follow the level curves", () => {
    for (const n of pack.npcs) {
      assert.ok(n.hp >= 0.9 * hpCurve(n.level) && n.hp <= 3.5 * hpCurve(n.level), `${n.id}: hp ${n.hp}`);
      if (n.behavior === "passive") assert.equal(n.xp, 0, n.id);
      else assert.ok(n.xp >= 0.5 * xpCurve(n.level) && n.xp <= 3.5 * xpCurve(n.level), `${n.id}: xp ${n.xp}`);
      assert.ok(n.speed > 0 && n.speed <= 8, `${n.id}: speed ${n.speed}`);
      for (const a of n.abilities) {
        assert.ok(pack.ability(a)!.requiredLevel <= n.level, `${n.id} (level ${n.level}) uses ${a}`);
      }
    }
  });

  it("gives the same DistrictCatalog as districts.json alone", () => {
    const fromPack = DistrictCatalog.fromPack(pack);
    const fromFile = DistrictCatalog.load(SHIPPED_DIR);
    assert.deepEqual(fromPack.ids(), fromFile.ids());
    for (const id of fromFile.ids()) {
      assert.deepEqual(fromPack.get(id), fromFile.get(id));
      let a = 0.1;
      let b = 0.1;
      const r1 = () => (a = (a * 7.3) % 1);
      const r2 = () => (b = (b * 7.3) % 1);
      assert.deepEqual(fromPack.arrivalPoint(id, r1), fromFile.arrivalPoint(id, r2));
    }
    assert.equal(fromPack.get("richland")?.hardlines.find((h) => h.arrival)?.id, "rl-mara-central");
  });
});
