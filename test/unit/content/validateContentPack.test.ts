import assert from "node:assert/strict";
import { formatIssue, type ContentIssue } from "../../../src/mxo/content/ContentError.js";
import { ContentPack } from "../../../src/mxo/content/ContentPack.js";
import { validateContentPack } from "../../../src/mxo/content/validateContentPack.js";
import { minimalPack } from "./fixtures.js";

interface Expected {
  file: string;
  path: string;
  message: RegExp;
}

interface Case {
  name: string;
  break: (pack: any) => void;
  /** Exactly these issues, in any order: no fewer (every problem) and no more (no cascades). */
  expect: Expected[];
}

function errorsOf(raw: unknown): ContentIssue[] {
  const result = validateContentPack(raw);
  assert.equal(result.ok, false, "expected the pack to be rejected");
  return result.ok ? [] : result.errors;
}

function assertIssues(actual: ContentIssue[], expected: Expected[]): void {
  const listing = actual.map(formatIssue).join("\n");
  for (const e of expected) {
    assert.ok(
      actual.some((a) => a.file === e.file && a.path === e.path && e.message.test(a.message)),
      `missing ${e.file}: ${e.path}: ${e.message} in:\n${listing}`,
    );
  }
  assert.equal(actual.length, expected.length, `expected ${expected.length} issue(s), got:\n${listing}`);
}

function runCases(cases: Case[]): void {
  for (const c of cases) {
    it(c.name, () => {
      const pack = minimalPack();
      c.break(pack);
      assertIssues(errorsOf(pack), c.expect);
    });
  }
}

describe("content: validateContentPack", () => {
  it("accepts the minimal pack and applies defaults", () => {
    const result = validateContentPack(minimalPack());
    assert.ok(result.ok, result.ok ? "" : result.errors.map(formatIssue).join("\n"));
    const pack = result.pack;
    assert.ok(pack instanceof ContentPack);
    const d = pack.district("otherton")!;
    assert.equal(d.combatRules, "CR2");
    assert.equal(d.pvp, false);
    assert.equal(d.moveSpeed, 6);
    assert.equal(d.arrivalRadius, 4);
    assert.deepEqual(d.spawnZones, []);
    assert.deepEqual(d.spawnPoints, []);
    assert.equal(d.hardlines[0]!.loadout, true);
    assert.equal(pack.district("testville")!.spawnZones[0]!.center.z, 0);
    assert.equal(pack.item("pipe")!.stackable, false);
    assert.equal(pack.item("pipe")!.maxStack, 1);
    assert.equal(pack.item("pipe")!.requiredLevel, 1);
    assert.deepEqual(pack.item("pipe")!.bonuses, {});
    assert.equal(pack.npc("punk")!.behavior, "aggressive");
    assert.equal(pack.ability("strike")!.accuracy, 1);
    assert.deepEqual(pack.ability("strike")!.prerequisites, []);
    assert.equal(pack.mission("second")!.rewards.info, 0);
    assert.equal(pack.mission("second")!.repeatable, false);
    assert.equal(pack.contact("tyndall")!.location.radius, 10);
  });

  it("does not modify the object it validates", () => {
    const raw = minimalPack();
    const before = JSON.stringify(raw);
    const result = validateContentPack(raw);
    assert.ok(result.ok);
    assert.equal(JSON.stringify(raw), before);
    assert.equal(Object.isFrozen(raw), false);
  });

  it("accepts CR1 districts and prerequisites from a tree's parent tree", () => {
    const pack = minimalPack();
    pack.districts[1].combatRules = "CR1";
    pack.abilities.push({
      ...pack.abilities[0],
      id: "double-tap",
      tree: "gunman",
      prerequisites: ["stance", "strike"],
      requiredLevel: 12,
      damageType: "ranged",
      range: 30,
      scalesWith: "perception",
    });
    const result = validateContentPack(pack);
    assert.ok(result.ok, result.ok ? "" : result.errors.map(formatIssue).join("\n"));
    assert.equal(result.pack.district("otherton")!.combatRules, "CR1");
  });

  describe("references between kinds", () => {
    runCases([
      {
        name: "an NPC template's loot table must exist",
        break: (p) => (p.npcs[0].lootTable = "nope"),
        expect: [
          {
            file: "npcs.json",
            path: "npcs.0.lootTable",
            message: /loot table "nope" does not exist in loot\.json/,
          },
        ],
      },
      {
        name: "an NPC template's abilities must exist",
        break: (p) => p.npcs[0].abilities.push("laser-eyes"),
        expect: [
          { file: "npcs.json", path: "npcs.0.abilities.1", message: /ability "laser-eyes" does not exist/ },
        ],
      },
      {
        name: "a loot entry's item must exist",
        break: (p) => (p.lootTables[0].entries[1].item = "golden-gun"),
        expect: [
          {
            file: "loot.json",
            path: "lootTables.0.entries.1.item",
            message: /item "golden-gun" does not exist in items\.json/,
          },
        ],
      },
      {
        name: "a spawn zone's template must exist",
        break: (p) => (p.districts[0].spawnZones[0].template = "ghost"),
        expect: [
          {
            file: "districts.json",
            path: "districts.0.spawnZones.0.template",
            message: /npc template "ghost" does not exist in npcs\.json/,
          },
        ],
      },
      {
        name: "a mission's eliminate target must exist",
        break: (p) => (p.missions[0].objectives[1].template = "ghost"),
        expect: [
          {
            file: "missions.json",
            path: "missions.0.objectives.1.template",
            message: /npc template "ghost"/,
          },
        ],
      },
      {
        name: "a mission's collect item must exist",
        break: (p) => (p.missions[0].objectives[2].item = "floppy"),
        expect: [
          {
            file: "missions.json",
            path: "missions.0.objectives.2.item",
            message: /item "floppy" does not exist/,
          },
        ],
      },
      {
        name: "a mission's contact must exist",
        break: (p) => (p.missions[0].contact = "morpheus"),
        expect: [
          { file: "missions.json", path: "missions.0.contact", message: /contact "morpheus" does not exist/ },
        ],
      },
      {
        name: "a meet objective's contact must exist",
        break: (p) => (p.missions[0].objectives[0].contact = "morpheus"),
        expect: [
          { file: "missions.json", path: "missions.0.objectives.0.contact", message: /contact "morpheus"/ },
        ],
      },
      {
        name: "a meet objective's npc must exist",
        break: (p) => (p.missions[1].objectives[0].npc = "nobody"),
        expect: [
          { file: "missions.json", path: "missions.1.objectives.0.npc", message: /npc template "nobody"/ },
        ],
      },
      {
        name: "an escort target must exist",
        break: (p) => (p.missions[0].objectives[3].template = "nobody"),
        expect: [
          {
            file: "missions.json",
            path: "missions.0.objectives.3.template",
            message: /npc template "nobody"/,
          },
        ],
      },
      {
        name: "an escort target must not be aggressive",
        break: (p) => (p.missions[0].objectives[3].template = "punk"),
        expect: [
          {
            file: "missions.json",
            path: "missions.0.objectives.3.template",
            message: /escorted npc "punk" must not be aggressive/,
          },
        ],
      },
      {
        name: "a mission's reward items must exist",
        break: (p) => (p.missions[0].rewards.items[0].item = "spoon"),
        expect: [
          {
            file: "missions.json",
            path: "missions.0.rewards.items.0.item",
            message: /item "spoon" does not exist/,
          },
        ],
      },
      {
        name: "a mission's district must exist",
        break: (p) => (p.missions[1].district = "zion"),
        expect: [
          { file: "missions.json", path: "missions.1.district", message: /district "zion" does not exist/ },
        ],
      },
      {
        name: "an objective's location must name an existing district",
        break: (p) => (p.missions[0].objectives[3].to.district = "zion"),
        expect: [
          { file: "missions.json", path: "missions.0.objectives.3.to.district", message: /district "zion"/ },
        ],
      },
      {
        name: "an objective's location must lie inside its district",
        break: (p) => (p.missions[1].objectives[0].location.x = 700),
        expect: [
          {
            file: "missions.json",
            path: "missions.1.objectives.0.location",
            message: /location 700,200 is outside the bounds of district "otherton"/,
          },
        ],
      },
      {
        name: "a contact must stand inside an existing district",
        break: (p) => (p.contacts[0].location.y = -1),
        expect: [
          {
            file: "missions.json",
            path: "contacts.0.location",
            message: /outside the bounds of district "testville"/,
          },
        ],
      },
      {
        name: "an organization's mission cannot come from another organization's contact",
        break: (p) => (p.missions[0].organization = "machines"),
        expect: [
          {
            file: "missions.json",
            path: "missions.0.organization",
            message: /machines mission .* contact "tyndall" of zion/,
          },
        ],
      },
      {
        name: "a mission's prerequisite must exist",
        break: (p) => (p.missions[1].prerequisites = ["zeroth"]),
        expect: [
          {
            file: "missions.json",
            path: "missions.1.prerequisites.0",
            message: /mission "zeroth" does not exist/,
          },
        ],
      },
      {
        name: "mission prerequisites must not form a cycle",
        break: (p) => (p.missions[0].prerequisites = ["second"]),
        expect: [
          {
            file: "missions.json",
            path: "missions.0.prerequisites",
            message: /cycle: first → second → first/,
          },
        ],
      },
    ]);
  });

  describe("the ability tree", () => {
    runCases([
      {
        name: "a prerequisite must exist",
        break: (p) => (p.abilities[1].prerequisites = ["kung-fu"]),
        expect: [
          {
            file: "abilities.json",
            path: "abilities.1.prerequisites.0",
            message: /ability "kung-fu" does not exist in abilities\.json/,
          },
        ],
      },
      {
        name: "a prerequisite must belong to the same tree or one it branches from",
        break: (p) => {
          p.abilities[0].tree = "hacker";
        },
        expect: [
          {
            file: "abilities.json",
            path: "abilities.1.prerequisites.0",
            message:
              /"strike" is in the hacker tree; abilities of the operative tree may only require abilities of operative, awakened$/,
          },
        ],
      },
      {
        name: "sibling specialisations cannot require each other",
        break: (p) => {
          p.abilities[0].tree = "spy";
          p.abilities[1].tree = "gunman";
        },
        expect: [{ file: "abilities.json", path: "abilities.1.prerequisites.0", message: /in the spy tree/ }],
      },
      {
        name: "a prerequisite cannot need a higher level",
        break: (p) => (p.abilities[0].requiredLevel = 9),
        expect: [
          {
            file: "abilities.json",
            path: "abilities.1.prerequisites.0",
            message: /"strike" needs level 9, above this ability's 5/,
          },
        ],
      },
      {
        name: "prerequisites must not form a cycle",
        break: (p) => {
          p.abilities[0].tree = "operative";
          p.abilities[0].prerequisites = ["stance"];
          p.abilities[0].requiredLevel = 5;
        },
        expect: [
          {
            file: "abilities.json",
            path: "abilities.0.prerequisites",
            message: /cycle: strike → stance → strike/,
          },
        ],
      },
      {
        name: "an ability cannot require itself",
        break: (p) => (p.abilities[1].prerequisites = ["stance"]),
        expect: [
          { file: "abilities.json", path: "abilities.1.prerequisites.0", message: /cannot require itself/ },
        ],
      },
    ]);
  });

  describe("districts", () => {
    runCases([
      {
        name: "bounds must lie inside the wire's position domain (0..8191.875)",
        break: (p) => {
          p.districts[0].bounds.minX = -10;
          p.districts[0].bounds.maxY = 9000;
        },
        expect: [
          { file: "districts.json", path: "districts.0.bounds.minX", message: />=\s*0/ },
          { file: "districts.json", path: "districts.0.bounds.maxY", message: /<=\s*8191\.875/ },
        ],
      },
      {
        name: "heights must lie inside the wire's altitude domain (-2048..2047.9375)",
        break: (p) => (p.districts[0].hardlines[0].z = 5000),
        expect: [{ file: "districts.json", path: "districts.0.hardlines.0.z", message: /<=\s*2047\.9375/ }],
      },
      {
        name: "a spawn zone must lie inside the district bounds",
        break: (p) => (p.districts[0].spawnZones[0].center = { x: 995, y: 500 }),
        expect: [
          {
            file: "districts.json",
            path: "districts.0.spawnZones.0.center",
            message: /spawn zone tv-z-punks .* does not lie inside the bounds/,
          },
        ],
      },
      {
        name: "hardline ids are unique across districts",
        break: (p) => (p.districts[1].hardlines[0].id = "tv-dock"),
        expect: [
          {
            file: "districts.json",
            path: "districts.1.hardlines.0.id",
            message: /hardline id "tv-dock" is already used in district "testville"/,
          },
        ],
      },
      {
        name: "hardline ids are unique within a district",
        break: (p) => (p.districts[0].hardlines[1].id = "tv-gate"),
        expect: [
          { file: "districts.json", path: "districts.0.hardlines.1.id", message: /duplicate id "tv-gate"/ },
        ],
      },
      {
        name: "spawn zone ids are unique across districts",
        break: (p) =>
          (p.districts[1].spawnZones = [{ ...p.districts[0].spawnZones[0], center: { x: 100, y: 100 } }]),
        expect: [
          {
            file: "districts.json",
            path: "districts.1.spawnZones.0.id",
            message: /spawn zone id "tv-z-punks" is already used in district "testville"/,
          },
        ],
      },
      {
        name: "exactly one arrival hardline",
        break: (p) => (p.districts[0].hardlines[1].arrival = true),
        expect: [{ file: "districts.json", path: "districts.0.hardlines", message: /exactly one hardline/ }],
      },
      {
        name: "combat rules are CR1 or CR2",
        break: (p) => (p.districts[0].combatRules = "CR3"),
        expect: [{ file: "districts.json", path: "districts.0.combatRules", message: /CR1|CR2/ }],
      },
      {
        name: "a pack needs a district",
        break: (p) => (p.districts = []),
        // The references into districts fail too: each is named where it is.
        expect: [
          { file: "districts.json", path: "districts", message: /at least one district/ },
          { file: "missions.json", path: "contacts.0.location.district", message: /district "testville"/ },
          { file: "missions.json", path: "missions.0.district", message: /district "testville"/ },
          {
            file: "missions.json",
            path: "missions.0.objectives.3.to.district",
            message: /district "testville"/,
          },
          { file: "missions.json", path: "missions.1.district", message: /district "otherton"/ },
          {
            file: "missions.json",
            path: "missions.1.objectives.0.location.district",
            message: /district "otherton"/,
          },
        ],
      },
    ]);
  });

  describe("ids are unique per kind", () => {
    const kinds: [string, string, string][] = [
      ["districts", "districts.json", "district"],
      ["items", "items.json", "item"],
      ["abilities", "abilities.json", "ability"],
      ["npcs", "npcs.json", "npc template"],
      ["lootTables", "loot.json", "loot table"],
      ["missions", "missions.json", "mission"],
      ["contacts", "missions.json", "contact"],
    ];
    for (const [kind, file, noun] of kinds) {
      it(`${kind}: a duplicate id is named with the first one's place`, () => {
        const pack = minimalPack();
        const first = pack[kind][0];
        const copy = structuredClone(first);
        if (kind === "districts") {
          copy.hardlines = [{ id: "copy-gate", name: "Gate", x: 1, y: 1, arrival: true }];
          copy.spawnZones = [];
        }
        pack[kind].push(copy);
        const index = pack[kind].length - 1;
        const errors = errorsOf(pack);
        assertIssues(errors, [
          {
            file,
            path: `${kind}.${index}.id`,
            message: new RegExp(`duplicate ${noun} id "${first.id}" \\(also at ${kind}\\.0\\)`),
          },
        ]);
        assert.equal(errors[0]!.id, first.id);
      });
    }
  });

  describe("entry schemas", () => {
    runCases([
      {
        name: "a weapon needs weapon stats",
        break: (p) => delete p.items[0].weapon,
        expect: [{ file: "items.json", path: "items.0.weapon", message: /a weapon needs weapon stats/ }],
      },
      {
        name: "only stackable items stack",
        break: (p) => (p.items[1].stackable = false),
        expect: [{ file: "items.json", path: "items.1.maxStack", message: /not stackable has maxStack 1/ }],
      },
      {
        name: "an attack needs a damage type and damage",
        break: (p) => {
          p.abilities[0].damageType = "none";
          delete p.abilities[0].damage;
        },
        expect: [
          { file: "abilities.json", path: "abilities.0.damageType", message: /needs a damage type/ },
          { file: "abilities.json", path: "abilities.0.damage", message: /needs damage/ },
        ],
      },
      {
        name: "a ranged ability reaches at least 10 units",
        break: (p) => (p.abilities[0].damageType = "ranged"),
        expect: [
          {
            file: "abilities.json",
            path: "abilities.0.range",
            message: /ranged ability reaches at least 10/,
          },
        ],
      },
      {
        name: "a loot chance is a probability",
        break: (p) => (p.lootTables[0].entries[0].chance = 1.5),
        expect: [{ file: "loot.json", path: "lootTables.0.entries.0.chance", message: /<=1/ }],
      },
      {
        name: "leash beyond aggro",
        break: (p) => {
          p.npcs[0].aggroRadius = 30;
          p.npcs[0].leashRadius = 20;
        },
        expect: [
          { file: "npcs.json", path: "npcs.0.leashRadius", message: /leashRadius must exceed aggroRadius/ },
        ],
      },
      {
        name: "an unknown objective kind",
        break: (p) => (p.missions[0].objectives[1].kind = "assassinate"),
        expect: [{ file: "missions.json", path: "missions.0.objectives.1.kind", message: /meet|eliminate/ }],
      },
      {
        name: "a meet objective names a contact or an npc, not both",
        break: (p) => (p.missions[0].objectives[0].npc = "informant"),
        expect: [
          {
            file: "missions.json",
            path: "missions.0.objectives.0",
            message: /exactly one of contact or npc/,
          },
        ],
      },
      {
        name: "reputation goes to a known organization",
        break: (p) => (p.missions[0].rewards.reputation.oracle = 5),
        expect: [{ file: "missions.json", path: "missions.0.rewards.reputation", message: /oracle/ }],
      },
      {
        name: "unknown fields are rejected rather than dropped (typos)",
        break: (p) => {
          p.npcs[0].respawnSecond = 30;
        },
        expect: [{ file: "npcs.json", path: "npcs.0", message: /Unrecognized key: "respawnSecond"/ }],
      },
      {
        name: "an entry that fails its schema still satisfies references to its id (no cascade)",
        break: (p) => (p.lootTables[0].info = { min: 20, max: 5 }),
        expect: [{ file: "loot.json", path: "lootTables.0.info", message: /min must not exceed max/ }],
      },
    ]);
  });

  describe("the pack object", () => {
    runCases([
      {
        name: "an unsupported version",
        break: (p) => (p.version = 2),
        expect: [
          {
            file: "pack.json",
            path: "version",
            message: /unsupported version 2; this server reads version 1/,
          },
        ],
      },
      {
        name: "a missing version",
        break: (p) => delete p.version,
        expect: [{ file: "pack.json", path: "version", message: /missing version/ }],
      },
      {
        name: "an unknown top-level key",
        break: (p) => (p.quests = []),
        expect: [{ file: "pack.json", path: "quests", message: /unknown key/ }],
      },
      {
        name: "a kind that is not a list is reported once, without a cascade of broken references",
        break: (p) => (p.items = { pipe: {} }),
        expect: [
          { file: "items.json", path: "items", message: /expected an array of item entries, got object/ },
        ],
      },
      {
        name: "a missing kind",
        break: (p) => delete p.lootTables,
        expect: [
          {
            file: "loot.json",
            path: "lootTables",
            message: /expected an array of loot table entries, got nothing/,
          },
        ],
      },
    ]);

    for (const raw of [null, 42, "pack", [], undefined]) {
      it(`rejects ${JSON.stringify(raw) ?? "undefined"} as a pack`, () => {
        assertIssues(errorsOf(raw), [
          { file: "pack.json", path: "(root)", message: /a content pack is an object/ },
        ]);
      });
    }
  });

  it("reports every problem at once: three problems in three files, three issues", () => {
    const pack = minimalPack();
    pack.npcs[0].lootTable = "nope";
    pack.items[0].value = -1;
    pack.missions[0].objectives[2].item = "floppy";
    const errors = errorsOf(pack);
    assertIssues(errors, [
      { file: "npcs.json", path: "npcs.0.lootTable", message: /loot table "nope"/ },
      { file: "items.json", path: "items.0.value", message: />=0/ },
      { file: "missions.json", path: "missions.0.objectives.2.item", message: /item "floppy"/ },
    ]);
    assert.deepEqual(errors.map(formatIssue).sort(), [
      "items.json: items.0.value: Too small: expected number to be >=0 (pipe)",
      'missions.json: missions.0.objectives.2.item: item "floppy" does not exist in items.json (first)',
      'npcs.json: npcs.0.lootTable: loot table "nope" does not exist in loot.json (punk)',
    ]);
  });

  it("round-trips through JSON: stringify → validate → an equal pack", () => {
    const first = validateContentPack(minimalPack());
    assert.ok(first.ok);
    const json = JSON.stringify(first.pack);
    const second = validateContentPack(JSON.parse(json));
    assert.ok(second.ok, second.ok ? "" : second.errors.map(formatIssue).join("\n"));
    assert.deepEqual(second.pack.toJSON(), first.pack.toJSON());
    assert.equal(JSON.stringify(second.pack), json);
  });
});
