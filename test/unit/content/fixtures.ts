/**
 * A small valid pack to break one rule at a time. Each call returns a fresh copy, so
 * tests mutate it freely. Plain JSON, as an uploaded revision would be.
 */
export function minimalPack(): any {
  return {
    version: 1,
    districts: [
      {
        id: "testville",
        name: "Testville",
        bounds: { minX: 0, minY: 0, maxX: 1000, maxY: 1000 },
        hardlines: [
          { id: "tv-gate", name: "Gate", x: 500, y: 500, arrival: true },
          { id: "tv-dock", name: "Dock", x: 100, y: 900 },
        ],
        spawnZones: [
          {
            id: "tv-z-punks",
            template: "punk",
            count: 3,
            center: { x: 530, y: 520 },
            radius: 8,
            respawnSeconds: 30,
          },
        ],
      },
      {
        id: "otherton",
        name: "Otherton",
        bounds: { minX: 0, minY: 0, maxX: 500, maxY: 500 },
        hardlines: [{ id: "ot-gate", name: "Gate", x: 250, y: 250, arrival: true }],
      },
    ],
    items: [
      {
        id: "pipe",
        name: "Pipe",
        kind: "weapon",
        value: 10,
        weapon: { damageType: "melee", damage: { min: 5, max: 8 }, range: 2.5, attackSeconds: 1.5 },
      },
      {
        id: "disk",
        name: "Disk",
        kind: "mission",
        stackable: true,
        maxStack: 10,
        value: 0,
        tradeable: false,
      },
    ],
    abilities: [
      {
        id: "strike",
        name: "Strike",
        tree: "awakened",
        requiredLevel: 1,
        memoryCost: 1,
        kind: "attack",
        target: "enemy",
        range: 3,
        cooldown: 2,
        innerStrength: 0,
        damageType: "melee",
        scalesWith: "belief",
        damage: { min: 10, max: 15 },
      },
      {
        id: "stance",
        name: "Stance",
        tree: "operative",
        prerequisites: ["strike"],
        requiredLevel: 5,
        memoryCost: 2,
        kind: "buff",
        target: "self",
        range: 0,
        cooldown: 60,
        innerStrength: 20,
        damageType: "none",
        scalesWith: "belief",
        modifiers: [{ attribute: "defense", amount: 5, durationSeconds: 30 }],
      },
    ],
    npcs: [
      {
        id: "punk",
        name: "Punk",
        level: 1,
        faction: "lost_angels",
        stats: { focus: 4, perception: 4, reason: 4, belief: 6, vitality: 4 },
        hp: 100,
        abilities: ["strike"],
        lootTable: "punks",
        aggroRadius: 6,
        leashRadius: 40,
        speed: 5.5,
        xp: 16,
      },
      {
        id: "informant",
        name: "Informant",
        level: 2,
        faction: "civilians",
        behavior: "passive",
        stats: { focus: 4, perception: 4, reason: 4, belief: 4, vitality: 4 },
        hp: 140,
        aggroRadius: 0,
        leashRadius: 40,
        speed: 5,
        xp: 0,
      },
    ],
    lootTables: [
      {
        id: "punks",
        entries: [
          { item: "disk", chance: 0.5, min: 1, max: 1 },
          { item: "pipe", chance: 0.05, min: 1, max: 1 },
        ],
        info: { min: 5, max: 20 },
      },
    ],
    contacts: [
      {
        id: "tyndall",
        name: "Tyndall",
        organization: "zion",
        location: { district: "testville", x: 490, y: 490 },
      },
    ],
    missions: [
      {
        id: "first",
        name: "First",
        district: "testville",
        contact: "tyndall",
        organization: "zion",
        requiredLevel: 1,
        objectives: [
          { kind: "meet", contact: "tyndall" },
          { kind: "eliminate", template: "punk", count: 3 },
          { kind: "collect", item: "disk", count: 2 },
          { kind: "escort", template: "informant", to: { district: "testville", x: 100, y: 880 } },
        ],
        rewards: { xp: 100, items: [{ item: "pipe", count: 1 }], reputation: { zion: 10, machines: -5 } },
      },
      {
        id: "second",
        name: "Second",
        district: "otherton",
        contact: "tyndall",
        requiredLevel: 2,
        prerequisites: ["first"],
        objectives: [{ kind: "meet", npc: "informant", location: { district: "otherton", x: 200, y: 200 } }],
        rewards: { xp: 50 },
      },
    ],
  };
}
