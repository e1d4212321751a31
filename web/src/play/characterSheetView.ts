import type { AllocateMessage } from "../../../src/mxo/contract/clientMessages.js";
import type { CharacterSheet } from "../../../src/mxo/contract/serverMessages.js";

/** What the character panel shows, from the `character` message alone (pure, tested in web/test). */

type Stat = AllocateMessage["stat"];

/** The five attributes in the order MxO listed them (tsc fails if the contract's set changes). */
export const STAT_ORDER = [
  "focus",
  "perception",
  "reason",
  "belief",
  "vitality",
] as const satisfies readonly Stat[];

/** What each attribute does here (src/mxo/rules/combat/README.md, "Stats (CR2)"). */
const STAT_HINTS: Record<Stat, string> = {
  focus: "ranged accuracy, melee damage and defence, ranged resistance",
  perception: "ranged damage and defence",
  reason: "viral accuracy, damage and defence",
  belief: "melee accuracy, viral resistance, Inner Strength",
  vitality: "health, melee resistance",
};

export interface StatRow {
  stat: Stat;
  label: string;
  /** As allocated (base 5 plus points spent). */
  base: number;
  /** With equipment: what combat uses. */
  effective: number;
  /** "+2 from equipment", or "" when none. */
  gear: string;
  hint: string;
  canAllocate: boolean;
}

export interface SheetView {
  level: number;
  /** "350 / 400 xp (50 to level 4)", or "1,200 xp (top level)". */
  experience: string;
  unspent: number;
  /** "2 points to spend", or "" when none. */
  unspentText: string;
  stats: StatRow[];
  derived: { label: string; value: string }[];
}

export function sheetView(sheet: CharacterSheet): SheetView {
  const canAllocate = sheet.unspentPoints > 0;
  const xp = sheet.experience.toLocaleString("en-US");
  const next = sheet.nextLevelAt;
  const experience =
    next === null
      ? `${xp} xp (top level)`
      : `${xp} / ${next.toLocaleString("en-US")} xp (${(next - sheet.experience).toLocaleString("en-US")} to level ${sheet.level + 1})`;
  const d = sheet.derived;
  return {
    level: sheet.level,
    experience,
    unspent: sheet.unspentPoints,
    unspentText: canAllocate
      ? `${sheet.unspentPoints} point${sheet.unspentPoints === 1 ? "" : "s"} to spend`
      : "",
    stats: STAT_ORDER.map((stat) => {
      const base = sheet.stats[stat];
      const effective = d.stats[stat] ?? base;
      const diff = effective - base;
      return {
        stat,
        label: stat.charAt(0).toUpperCase() + stat.slice(1),
        base,
        effective,
        gear: diff === 0 ? "" : `${diff > 0 ? "+" : ""}${diff} from equipment`,
        hint: STAT_HINTS[stat],
        canAllocate,
      };
    }),
    derived: [
      { label: "Health", value: String(d.maxHp) },
      { label: "Inner Strength", value: String(d.maxIs) },
      { label: "Accuracy", value: `${Math.round(d.accuracy * 100)}%` },
      { label: "Damage", value: `×${d.damage.toFixed(2)}` },
      { label: "Defence", value: String(Math.round(d.defence)) },
      {
        label: "Resistance",
        value: `melee ${Math.round(d.resistance.melee)} · ranged ${Math.round(d.resistance.ranged)} · viral ${Math.round(d.resistance.viral)}`,
      },
    ],
  };
}

/**
 * What to tell the player when a new sheet arrives: a level gained (with the
 * points it brought) or points granted otherwise (a GM); nothing on the first
 * sheet of a session or when points were spent.
 */
export function sheetChange(before: CharacterSheet | undefined, after: CharacterSheet): string | undefined {
  if (!before) return undefined;
  const points = after.unspentPoints;
  const toSpend = points > 0 ? `: ${points} attribute point${points === 1 ? "" : "s"} to spend` : "";
  if (after.level > before.level) return `Level ${after.level}${toSpend}.`;
  if (points > before.unspentPoints)
    return `You have ${points} attribute point${points === 1 ? "" : "s"} to spend.`;
  return undefined;
}
