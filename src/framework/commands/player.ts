import type { Command } from "./Command.js";
import { ArgError, characterTarget, oneTarget, positional } from "./args.js";

/** `kick <target> [reason]`: closes the player's connection with 4110. */
export const kick: Command<{ target: string; reason: string }> = {
  name: "kick",
  permission: "gm.command.kick",
  usage: "kick <target> [reason]",
  help: "Disconnects a player (close code 4110); the character is saved and may join again.",
  reversible: false,
  replayable: true,
  args: positional((r) => {
    const target = r.name();
    const reason = r.rest();
    if (reason.length > 256) throw new ArgError("<reason> is at most 256 characters");
    return { target, reason };
  }),
  target: characterTarget,
  async execute(ctx, { target, reason }) {
    const entry = await ctx.world.online(target);
    await ctx.world.act(entry.roomId, {
      op: "kick",
      characterId: entry.characterId,
      reason: reason || "kicked",
    });
    return { ok: true, message: `Kicked ${entry.name}${reason ? `: ${reason}` : ""}`, target: entry.name };
  },
};

/** `inspect <target>`: stats, position, inventory, missions and recent chat. */
export const inspect: Command<{ target: string }> = {
  name: "inspect",
  permission: "gm.command.inspect",
  usage: "inspect <target>",
  help: "Shows a character's stats, position, inventory, missions and recent chat (online or not).",
  reversible: false,
  replayable: false,
  args: oneTarget(),
  target: characterTarget,
  // Looking at one's own characters harms no one.
  onSelf: "allow",
  async execute(ctx, { target }) {
    const stored = await ctx.world.character(target);
    const entry = await ctx.world.whereIs(target);
    const [inventory, balance, recentChat] = await Promise.all([
      ctx.world.ledger.inventory(stored.id),
      ctx.world.ledger.balance(stored.id),
      ctx.world.recentChatOf(stored.name),
    ]);
    const live = entry
      ? await ctx.world.act(entry.roomId, { op: "inspect", characterId: entry.characterId })
      : undefined;
    const report = {
      online: Boolean(entry),
      ...(live ?? {
        characterId: stored.id,
        name: stored.name,
        district: stored.district,
        position: { x: stored.x, y: stored.y, z: stored.z },
        hp: stored.hp,
        maxHp: stored.maxHp,
        level: stored.level,
        experience: stored.experience,
        stats: stored.stats,
      }),
      account: stored.username,
      inventory,
      currency: balance,
      recentChat,
    };
    const where = entry ? `${report.district} (online)` : `${report.district} (offline)`;
    // The built-in model's level and health, as the room reports them (or as stored).
    const { level, hp, maxHp } = { ...stored, ...(live as Partial<typeof stored> | undefined) };
    return {
      ok: true,
      message: `${stored.name}: level ${level}, ${hp}/${maxHp} HP, in ${where}, ${inventory.length} item stacks`,
      target: stored.name,
      data: report,
    };
  },
};
