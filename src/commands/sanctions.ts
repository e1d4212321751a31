import { PERMANENT } from "../gm/Sanctions.js";
import type { Command, CommandContext } from "./Command.js";
import { ArgError, formatDuration, humanDuration, oneTarget, parseDuration, positional } from "./args.js";

interface BanArgs {
  target: string;
  seconds: number | "perm";
  reason: string;
}

/** `ban <target> <duration|perm> <reason>`: closes the target with 4103, refuses login and joins until it ends. */
export const ban: Command<BanArgs> = {
  name: "ban",
  permission: "gm.command.ban",
  usage: "ban <target> <duration|perm> <reason>",
  help: "Bans the account (by character or account name): kicked with 4103 at once, login and joins refused until it ends. A permanent ban needs a second GM's approval.",
  reversible: true,
  replayable: false,
  args: positional((r) => {
    const target = r.name();
    const d = r.word("duration|perm");
    const seconds = d.toLowerCase() === "perm" ? ("perm" as const) : parseDuration(d);
    const reason = r.rest();
    if (!reason) throw new ArgError("missing <reason>");
    if (reason.length > 256) throw new ArgError("<reason> is at most 256 characters");
    return { target, seconds, reason };
  }),
  needsApproval: (a) => (a.seconds === "perm" ? "a permanent ban" : undefined),
  async execute(ctx, a) {
    const account = await ctx.world.sanctions.account(a.target);
    if (account.id === ctx.actor.accountId) return { ok: false, message: "You cannot ban yourself" };
    const until = a.seconds === "perm" ? PERMANENT : new Date(Date.now() + a.seconds * 1000);
    const previous = await ctx.world.sanctions.setBan(account.id, until, a.reason);
    const span = a.seconds === "perm" ? "permanently" : `for ${humanDuration(a.seconds * 1000)}`;
    return {
      ok: true,
      message: `Banned ${account.username} ${span}: ${a.reason}`,
      target: account.username,
      oldValue: sanctionJson(previous),
      newValue: { until: until.toISOString(), reason: a.reason },
      inverse: previous.until
        ? {
            command: "ban",
            args: [account.username, restoreSpan(previous.until), previous.reason ?? "restored"],
          }
        : { command: "unban", args: [account.username] },
    };
  },
};

export const unban: Command<{ target: string }> = {
  name: "unban",
  permission: "gm.command.unban",
  usage: "unban <account>",
  help: "Lifts a ban (by account or character name).",
  reversible: true,
  replayable: false,
  args: oneTarget("account"),
  async execute(ctx, { target }) {
    const account = await ctx.world.sanctions.account(target);
    const previous = await ctx.world.sanctions.setBan(account.id, null, null);
    if (!previous.until)
      return { ok: false, message: `${account.username} is not banned`, target: account.username };
    return {
      ok: true,
      message: `Unbanned ${account.username}`,
      target: account.username,
      oldValue: sanctionJson(previous),
      newValue: null,
      inverse: {
        command: "ban",
        args: [account.username, restoreSpan(previous.until), previous.reason ?? "restored"],
      },
    };
  },
};

interface MuteArgs {
  target: string;
  seconds: number;
  reason: string;
}

/** `mute <target> <duration> [reason]`: chat is refused (with the time left) until it ends. */
export const mute: Command<MuteArgs> = {
  name: "mute",
  permission: "gm.command.mute",
  usage: "mute <target> <duration> [reason]",
  help: "Blocks the account's chat for a while (e.g. 30m); the player is told how long is left.",
  reversible: true,
  replayable: true,
  args: positional((r) => {
    const target = r.name();
    const seconds = parseDuration(r.word("duration"));
    const reason = r.rest();
    if (reason.length > 256) throw new ArgError("<reason> is at most 256 characters");
    return { target, seconds, reason };
  }),
  async execute(ctx, a) {
    return applyMute(ctx, a.target, new Date(Date.now() + a.seconds * 1000), a.reason || null);
  },
};

export const unmute: Command<{ target: string }> = {
  name: "unmute",
  permission: "gm.command.unmute",
  usage: "unmute <target>",
  help: "Lets a muted account chat again.",
  reversible: true,
  replayable: true,
  args: oneTarget(),
  async execute(ctx, { target }) {
    return applyMute(ctx, target, null, null);
  },
};

async function applyMute(ctx: CommandContext, target: string, until: Date | null, reason: string | null) {
  const account = await ctx.world.sanctions.account(target);
  const previous = await ctx.world.sanctions.setMute(account.id, until, reason);
  if (!until && !previous.until) return { ok: false, message: `${target} is not muted`, target };
  return {
    ok: true,
    message: until
      ? `Muted ${target} for ${humanDuration(until.getTime() - Date.now())}${reason ? `: ${reason}` : ""}`
      : `Unmuted ${target}`,
    target,
    oldValue: sanctionJson(previous),
    newValue: until ? { until: until.toISOString(), reason } : null,
    inverse: previous.until
      ? {
          command: "mute",
          args: [target, restoreSpan(previous.until), ...(previous.reason ? [previous.reason] : [])],
        }
      : { command: "unmute", args: [target] },
  };
}

function sanctionJson(s: { until: Date | null; reason: string | null }) {
  return s.until ? { until: s.until.toISOString(), reason: s.reason } : null;
}

/** What is left of a sanction, as a duration argument (`perm` for a permanent one). */
function restoreSpan(until: Date): string {
  if (until.getTime() >= PERMANENT.getTime()) return "perm";
  return formatDuration((until.getTime() - Date.now()) / 1000);
}
