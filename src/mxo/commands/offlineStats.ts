import type { GmWorld, StoredCharacter } from "../../framework/gm/GmWorld.js";
import { maxHealth, type CharacterStats } from "../rules/characterRules.js";
import type { GmStat } from "../rules/simulation/DistrictSimulation.js";

/**
 * `setstat` on an offline character: the column or stat as asked, and max HP
 * following level and vitality by the same rule as the running game. Returns
 * the value before.
 */
export function setStoredStat(
  world: GmWorld,
  c: StoredCharacter,
  stat: GmStat,
  value: number,
): Promise<number> {
  const records = world.characters;
  return world.changeOffline(c, async () => {
    const previous =
      stat === "level" || stat === "experience" || stat === "hp"
        ? await records.setField(c.id, stat, value)
        : await records.setStat(c.id, stat, value);
    if (previous !== undefined && (stat === "level" || stat === "vitality")) {
      const now = (await records.levelAndStats(c.id))!;
      await records.setMaxHp(c.id, maxHealth(now.stats as CharacterStats, now.level));
    }
    return previous;
  });
}
