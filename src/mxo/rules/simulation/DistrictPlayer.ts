import type { ContentPack } from "../../content/ContentPack.js";
import { playerCombatant } from "../adapters.js";
import type { MoveIntent } from "../../../framework/movement.js";
import type { CharacterStats } from "../characterRules.js";
import type { Combatant } from "../combat/index.js";
import type { PlayerJoin } from "./PlayerJoin.js";
import type { SimPlayer } from "./world.js";

/**
 * One player in the district: the one record movement, combat and the
 * district's own rules (experience, respawn, regeneration, loadout) all read
 * and write. It is the player's `SimPlayer` in the world and its `Combatant`
 * in combat — the same object in both maps, so HP, level and max HP exist
 * once and nothing copies them from one shape to another.
 */
export interface DistrictPlayer extends SimPlayer, Combatant {
  /** What combat reads: the allocated attributes plus equipment's (`baseStats` are what is saved). */
  stats: CharacterStats;
  /** The attributes as allocated: 5 each plus the points spent. */
  baseStats: CharacterStats;
  /** Equipped items, slot → item id (the room's `Member.equipment` is the truth; this is its copy in play). */
  equipment: Readonly<Record<string, string>>;
  /** Item id → first tick a consumable of that kind may be used again. */
  itemReadyAt: Record<string, number>;
  /** Lifetime experience. */
  experience: number;
  /** Tick at which a dead player reappears; null while alive. */
  respawnAt: number | null;
  /** Last tick the player gave or took a hostile act. */
  lastHostileTick: number;
  /** Fractional HP regenerated but not yet applied (HP stays an integer). */
  regenCarry: number;
  /** Abilities the player loaded at a hardline; null: the starter loadout for its level. `loadout` is what is in force. */
  chosenLoadout: string[] | null;
  /** The input for the next step: its seq, and its direction sanitized on arrival (undefined: not finite). */
  nextSeq: number;
  nextIntent: MoveIntent | undefined;
}

/** A joining character as a district player: HP clamped into 1..max, full Inner Strength, the starter loadout. */
export function createDistrictPlayer(
  join: PlayerJoin,
  where: { moveSpeed: number; respawnAt: number; pack: ContentPack },
): DistrictPlayer {
  const id = join.sessionId;
  const maxHp = Math.max(1, Math.round(join.maxHp));
  const hp = Math.max(0, Math.min(maxHp, Math.round(join.hp)));
  const fighter = playerCombatant({ id, level: join.level, stats: join.stats, hp, maxHp }, where.pack);
  // One literal with every field, so all players share one shape with every field in the object.
  return {
    sessionId: id,
    characterId: join.characterId,
    name: join.name,
    organization: join.organization,
    x: join.x,
    y: join.y,
    z: join.z,
    heading: join.heading,
    hp,
    maxHp,
    level: join.level,
    speed: where.moveSpeed,
    intent: { moveX: 0, moveY: 0 },
    ack: 0,
    id,
    stats: fighter.stats,
    baseStats: { ...join.stats },
    equipment: {},
    itemReadyAt: {},
    is: fighter.is,
    maxIs: fighter.maxIs,
    defence: fighter.defence,
    resistance: fighter.resistance,
    style: fighter.style,
    loadout: fighter.loadout,
    readyAt: fighter.readyAt,
    mods: undefined,
    gear: undefined,
    experience: join.experience ?? 0,
    // A character saved dead waits out the respawn delay.
    respawnAt: hp > 0 ? null : where.respawnAt,
    lastHostileTick: -Infinity,
    regenCarry: 0,
    chosenLoadout: null,
    nextSeq: 0,
    nextIntent: undefined,
  };
}
