import { setStoredStat } from "./offlineStats.js";
import { actMxo } from "../zone/MxoGmOp.js";
import { GM_STATS, type GmStat } from "../rules/simulation/DistrictSimulation.js";
import type { Command } from "../../framework/commands/Command.js";
import { characterTarget, oneTarget, positional, sameName } from "../../framework/commands/args.js";
import { inGame } from "../../framework/commands/teleport.js";

/** `heal <target>`: full HP and Inner Strength, standing up if dead. */
export const heal: Command<{ target: string }> = {
  name: "heal",
  permission: "gm.command.heal",
  usage: "heal <target>",
  help: "Restores a player's health and Inner Strength (a dead player stands up where it fell).",
  reversible: true,
  replayable: true,
  args: oneTarget(),
  target: characterTarget,
  // Healing oneself mid-fight is a benefit: a second person decides.
  onSelf: "approval",
  async execute(ctx, { target }) {
    const entry = await ctx.world.online(target);
    const r = await actMxo(ctx.world, entry.roomId, { op: "heal", characterId: entry.characterId });
    return {
      ok: true,
      message: `Healed ${entry.name} (${r.hpBefore} → ${r.hp})`,
      target: entry.name,
      oldValue: { hp: r.hpBefore },
      newValue: { hp: r.hp },
      inverse:
        r.hpBefore > 0 ? { command: "setstat", args: [entry.name, "hp", String(r.hpBefore)] } : undefined,
    };
  },
};

/** Bounds a GM may set; wider values would break the combat formulas. */
const STAT_RANGE: Record<GmStat, { min: number; max: number }> = {
  level: { min: 1, max: 50 },
  experience: { min: 0, max: 1_000_000_000 },
  hp: { min: 1, max: 1_000_000 },
  focus: { min: 1, max: 100 },
  perception: { min: 1, max: 100 },
  reason: { min: 1, max: 100 },
  belief: { min: 1, max: 100 },
  vitality: { min: 1, max: 100 },
};

/** `setstat <target> <stat> <value>`: online in its room, offline in the database. */
export const setstat: Command<{ target: string; stat: GmStat; value: number }> = {
  name: "setstat",
  permission: "gm.command.setstat",
  usage: `setstat <target> <${GM_STATS.join("|")}> <value>`,
  help: "Sets a character's level, experience, hp or core stat (derived values follow); works offline.",
  reversible: true,
  replayable: true,
  args: positional((r) => {
    const target = r.name();
    const stat = r.oneOf("stat", GM_STATS);
    const value = r.number("value", { ...STAT_RANGE[stat], integer: true });
    r.end();
    return { target, stat, value };
  }),
  target: characterTarget,
  // Levels or stats for oneself need a second person who outranks the GM.
  onSelf: "approval",
  async execute(ctx, { target, stat, value }) {
    const entry = await ctx.world.whereIs(target);
    let name: string;
    let previous: number;
    if (entry) {
      name = entry.name;
      ({ previous } = await actMxo(ctx.world, entry.roomId, {
        op: "setstat",
        characterId: entry.characterId,
        stat,
        value,
      }));
    } else {
      const stored = await ctx.world.character(target);
      name = stored.name;
      previous = await setStoredStat(ctx.world, stored, stat, value);
    }
    return {
      ok: true,
      message: `${name}: ${stat} ${previous} → ${value}${entry ? "" : " (offline)"}`,
      target: name,
      oldValue: { [stat]: previous },
      newValue: { [stat]: value },
      inverse: { command: "setstat", args: [name, stat, String(previous)] },
    };
  },
};

/** `invisible on|off`: the GM disappears from every other player's state. */
export const invisible: Command<{ on: boolean }> = {
  name: "invisible",
  permission: "gm.command.invisible",
  usage: "invisible on|off",
  help: "Hides you from every other player (you stay in the district; they stop receiving you).",
  reversible: true,
  replayable: false,
  args: positional((r) => {
    const on = r.oneOf("on|off", ["on", "off"] as const) === "on";
    r.end();
    return { on };
  }),
  async execute(ctx, { on }) {
    const me = await inGame(ctx.actor, ctx);
    const { previous } = await actMxo(ctx.world, me.roomId, {
      op: "invisible",
      characterId: me.characterId,
      on,
    });
    return {
      ok: true,
      message: on ? "You are invisible to players" : "You are visible again",
      target: me.name,
      oldValue: { invisible: previous },
      newValue: { invisible: on },
      inverse: sameName(me.name, ctx.actor.characterName)
        ? { command: "invisible", args: [previous ? "on" : "off"] }
        : undefined,
    };
  },
};
