import { AppError } from "../util/errors.js";
import type { Actor, Command, CommandContext, CommandResult } from "./Command.js";
import { refusal } from "./Command.js";
import { characterTarget, oneTarget, positional, sameName } from "./args.js";
import type { Point3 } from "../gm/GmOp.js";
import type { LeaseEntry } from "../cluster/CharacterLease.js";

interface TeleportArgs {
  target: string;
  district?: string | undefined;
  to?: Point3 | undefined;
}

const COORD = { min: -1_000_000, max: 1_000_000 };

/**
 * `teleport <target> <x> <y> [z]` · `teleport <target> <district> [x y [z]]`:
 * moves a player inside its district, or sends it to another one (the client
 * receives `travel {reservation}`). The coordinates after a district are an
 * extension of contract §5 so that a cross-district teleport can be undone exactly.
 */
export const teleport: Command<TeleportArgs> = {
  name: "teleport",
  permission: "gm.command.teleport",
  usage: "teleport <target> <x> <y> [z] | teleport <target> <district> [x y [z]]",
  help: "Moves a player to a point of its district, or to another district (its arrival hardline or a point).",
  reversible: true,
  replayable: true,
  selfService: {
    permission: "gm.command.teleport.self",
    applies: (args, actor) => sameName(args.target, actor.characterName),
  },
  target: characterTarget,
  // Moving oneself is the tier-1 travel tool; it gives nothing a player could not walk to.
  onSelf: "allow",
  args: positional((r) => {
    const target = r.name();
    const first = r.peek();
    let district: string | undefined;
    if (first !== undefined && !Number.isFinite(Number(first))) district = r.word("district").toLowerCase();
    let to: Point3 | undefined;
    if (r.remaining > 0 || !district) {
      const x = r.number("x", COORD);
      const y = r.number("y", COORD);
      const z = r.optionalNumber("z", 0, COORD);
      to = { x, y, z };
    }
    r.end();
    return { target, district, to };
  }),
  async execute(ctx, args) {
    const entry = await ctx.world.online(args.target);
    return moveTo(ctx, entry, args.district ?? entry.district, args.to, "teleported");
  },
};

/** `summon <target>`: brings a player to the GM, across districts if need be. */
export const summon: Command<{ target: string }> = {
  name: "summon",
  permission: "gm.command.summon",
  usage: "summon <target>",
  help: "Brings a player to where you stand in game (across districts if need be).",
  reversible: true,
  replayable: false,
  args: oneTarget(),
  target: characterTarget,
  async execute(ctx, { target }) {
    const me = await inGame(ctx.actor, ctx);
    const here = await ctx.world.act(me.roomId, { op: "where", characterId: me.characterId });
    const entry = await ctx.world.online(target);
    if (entry.characterId === me.characterId) return refusal(403, "self", "You cannot summon yourself");
    return moveTo(ctx, entry, here.district, here.position, "summoned");
  },
};

/** Where the GM plays right now; commands that act "here" need one. */
export async function inGame(actor: Actor, ctx: CommandContext): Promise<LeaseEntry> {
  if (!actor.characterName) {
    throw new AppError("not_in_game", 409, "This command needs you in a district: use it in game");
  }
  return ctx.world.online(actor.characterName);
}

async function moveTo(
  ctx: CommandContext,
  entry: LeaseEntry,
  district: string,
  to: Point3 | undefined,
  verb: string,
): Promise<CommandResult> {
  if (!ctx.world.zones.get(district)) {
    return refusal(
      400,
      "unknown_district",
      `Unknown district "${district}"; known: ${ctx.world.zones.ids().join(", ")}`,
    );
  }
  if (district === entry.district) {
    const point = to ?? ctx.world.zones.arrivalPoint(district);
    const moved = await ctx.world.act(entry.roomId, {
      op: "teleport",
      characterId: entry.characterId,
      to: point,
    });
    return {
      ok: true,
      message: `${entry.name} ${verb} to ${fmt(moved.to)} in ${district}`,
      target: entry.name,
      oldValue: { district, ...moved.from },
      newValue: { district, ...moved.to },
      inverse: { command: "teleport", args: [entry.name, ...coords(moved.from)] },
    };
  }
  const sent = await ctx.world.act(entry.roomId, {
    op: "send",
    characterId: entry.characterId,
    district,
    to,
  });
  return {
    ok: true,
    message: `${entry.name} ${verb} to ${district}${to ? ` at ${fmt(to)}` : ""}`,
    target: entry.name,
    oldValue: { district: sent.fromDistrict, ...sent.from },
    newValue: { district, ...(to ?? {}) },
    inverse: { command: "teleport", args: [entry.name, sent.fromDistrict, ...coords(sent.from)] },
  };
}

const round = (v: number) => String(Math.round(v * 100) / 100);
const coords = (p: Point3) => [round(p.x), round(p.y), round(p.z)];
const fmt = (p: Point3) => `(${coords(p).join(", ")})`;
