import type { Character } from "../../../entities/Character.js";
import type { CharacterSnapshot } from "../../framework/persistence/CharacterStore.js";
import { grantedAtJoin } from "../rules/abilityCode.js";
import { knows } from "../rules/loadout.js";
import { createMissionState } from "../rules/missions/missionRules.js";
import { STARTING_REPUTATION } from "../rules/missions/reputation.js";
import type { DistrictContext, Member } from "./DistrictContext.js";

/**
 * A stored character enters the district's simulation: where it was saved,
 * or at this district's arrival hardline when it was saved in another one.
 * Returns what the room keeps about it beside the simulation.
 */
export function enterDistrict(ctx: DistrictContext, sessionId: string, character: Character): Member {
  const equipment = storedEquipment(character);
  const at =
    character.district === ctx.def.id
      ? { x: character.x, y: character.y, z: character.z }
      : ctx.services.districts.arrivalPoint(ctx.def.id);
  ctx.sim.addPlayer({
    sessionId,
    characterId: character.id,
    name: character.name,
    organization: character.organization,
    x: at.x,
    y: at.y,
    z: at.z,
    heading: character.heading,
    hp: character.hp,
    maxHp: character.maxHp,
    level: character.level,
    stats: character.stats,
    experience: character.experience,
    loadout: character.loadout,
    equipment,
  });
  return {
    characterId: character.id,
    name: character.name,
    organization: character.organization,
    accountId: character.accountId,
    stats: character.stats,
    missions: character.missions ?? createMissionState(),
    reputation: character.reputation ?? { ...STARTING_REPUTATION },
    invisible: false,
    turningIn: new Set(),
    equipment,
    // A character stored before ability code keeps what its level let it load.
    abilities: grantedAtJoin(storedAbilities(character), ctx.content.abilities, (id) =>
      knows(id, character.level, ctx.sim.loadoutLookup),
    ),
    holdings: undefined,
  };
}

/** The character's state in play, as the store saves it. */
export function characterSnapshot(ctx: DistrictContext, sessionId: string): CharacterSnapshot | undefined {
  const meta = ctx.members.get(sessionId);
  const p = ctx.sim.player(sessionId);
  if (!meta || !p) return undefined;
  const loadout = ctx.sim.loadoutOf(sessionId);
  return {
    id: meta.characterId,
    district: ctx.def.id,
    x: p.x,
    y: p.y,
    z: p.z,
    heading: p.heading,
    // A character saved while dead comes back alive where it fell.
    hp: p.dead ? p.maxHp : Math.max(1, Math.round(p.hp)),
    maxHp: p.maxHp,
    level: p.level,
    experience: p.experience,
    stats: meta.stats,
    missions: meta.missions,
    reputation: meta.reputation,
    loadout: loadout?.custom ? loadout.abilities : null,
    data: {
      [EQUIPMENT_FIELD]: { ...meta.equipment },
      ...(meta.abilities ? { [ABILITIES_FIELD]: [...meta.abilities] } : {}),
    },
  };
}

/** MxO's fields in the character's game data. */
const EQUIPMENT_FIELD = "equipment";
const ABILITIES_FIELD = "abilities";

function storedEquipment(character: Character): Record<string, string> {
  const stored = character.gameData?.[EQUIPMENT_FIELD];
  const out: Record<string, string> = {};
  if (stored && typeof stored === "object" && !Array.isArray(stored)) {
    for (const [slot, itemId] of Object.entries(stored)) if (typeof itemId === "string") out[slot] = itemId;
  }
  return out;
}

function storedAbilities(character: Character): string[] | null {
  const stored = character.gameData?.[ABILITIES_FIELD];
  return Array.isArray(stored) ? stored.filter((id): id is string => typeof id === "string") : null;
}
