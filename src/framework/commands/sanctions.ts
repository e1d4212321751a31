import { PERMANENT } from "../gm/Sanctions.js";
import type { Command, CommandContext, CommandResult, ResolvedTarget, TargetRef } from "./Command.js";
import { refusal } from "./Command.js";
import { ArgError, formatDuration, humanDuration, parseDuration, positional } from "./args.js";

interface BanArgs {
  target: TargetRef;
  seconds: number | "perm";
  reason: string;
}

/** Sanctions land on accounts; inverses name the account itself, so they cannot drift to a namesake. */
const accountArg = (t: ResolvedTarget) => `account:${t.username}`;
const who = (t: ResolvedTarget) =>
  t.character ? `${t.character.name} (account ${t.username})` : `account ${t.username}`;

/** The account the registry resolved and checked; every sanction command declares a target. */
function resolved(ctx: CommandContext): ResolvedTarget {
  if (!ctx.target) throw new Error("sanction without a resolved target");
  return ctx.target;
}

/** `ban <target> <duration|perm> <reason>`: closes the target with 4103, refuses login and joins until it ends. */
export const ban: Command<BanArgs> = {
  name: "ban",
  permission: "gm.command.ban",
  usage: "ban <character|account:<name>> <duration|perm> <reason>",
  help: "Bans the account that owns the character (or the account named account:<name>): kicked with 4103 at once, login and joins refused until it ends. A permanent ban needs a second GM's approval.",
  reversible: true,
  replayable: false,
  args: positional((r) => {
    const target = r.target();
    const d = r.word("duration|perm");
    const seconds = d.toLowerCase() === "perm" ? ("perm" as const) : parseDuration(d);
    const reason = r.rest();
    if (!reason) throw new ArgError("missing <reason>");
    if (reason.length > 256) throw new ArgError("<reason> is at most 256 characters");
    return { target, seconds, reason };
  }),
  target: (a) => a.target,
  needsApproval: (a) => (a.seconds === "perm" ? "a permanent ban" : undefined),
  async execute(ctx, a) {
    const t = resolved(ctx);
    const until = a.seconds === "perm" ? PERMANENT : new Date(Date.now() + a.seconds * 1000);
    const previous = await ctx.world.sanctions.setBan(t.accountId, until, a.reason);
    const span = a.seconds === "perm" ? "permanently" : `for ${humanDuration(a.seconds * 1000)}`;
    return {
      ok: true,
      message: `Banned ${who(t)} ${span}: ${a.reason}`,
      target: t.label,
      oldValue: sanctionJson(previous),
      newValue: { until: until.toISOString(), reason: a.reason },
      inverse: previous.until
        ? {
            command: "ban",
            args: [accountArg(t), restoreSpan(previous.until), previous.reason ?? "restored"],
          }
        : { command: "unban", args: [accountArg(t)] },
    };
  },
};

export const unban: Command<{ target: TargetRef }> = {
  name: "unban",
  permission: "gm.command.unban",
  usage: "unban <account>",
  help: "Lifts a ban from the account with that username.",
  reversible: true,
  replayable: false,
  args: positional((r) => {
    const target = r.target("account", "account");
    r.end();
    return { target };
  }),
  target: (a) => a.target,
  async execute(ctx) {
    const t = resolved(ctx);
    const previous = await ctx.world.sanctions.setBan(t.accountId, null, null);
    if (!previous.until) return refusal(409, "not_banned", `${who(t)} is not banned`, t.label);
    return {
      ok: true,
      message: `Unbanned ${who(t)}`,
      target: t.label,
      oldValue: sanctionJson(previous),
      newValue: null,
      inverse: {
        command: "ban",
        args: [accountArg(t), restoreSpan(previous.until), previous.reason ?? "restored"],
      },
    };
  },
};

interface MuteArgs {
  target: TargetRef;
  seconds: number;
  reason: string;
}

/** `mute <target> <duration> [reason]`: chat is refused (with the time left) until it ends. */
export const mute: Command<MuteArgs> = {
  name: "mute",
  permission: "gm.command.mute",
  usage: "mute <character|account:<name>> <duration> [reason]",
  help: "Blocks the chat of the account that owns the character for a while (e.g. 30m); the player is told how long is left.",
  reversible: true,
  replayable: true,
  args: positional((r) => {
    const target = r.target();
    const seconds = parseDuration(r.word("duration"));
    const reason = r.rest();
    if (reason.length > 256) throw new ArgError("<reason> is at most 256 characters");
    return { target, seconds, reason };
  }),
  target: (a) => a.target,
  async execute(ctx, a) {
    return applyMute(ctx, new Date(Date.now() + a.seconds * 1000), a.reason || null);
  },
};

export const unmute: Command<{ target: TargetRef }> = {
  name: "unmute",
  permission: "gm.command.unmute",
  usage: "unmute <character|account:<name>>",
  help: "Lets a muted account chat again.",
  reversible: true,
  replayable: true,
  args: positional((r) => {
    const target = r.target();
    r.end();
    return { target };
  }),
  target: (a) => a.target,
  async execute(ctx) {
    return applyMute(ctx, null, null);
  },
};

async function applyMute(
  ctx: CommandContext,
  until: Date | null,
  reason: string | null,
): Promise<CommandResult> {
  const t = resolved(ctx);
  const previous = await ctx.world.sanctions.setMute(t.accountId, until, reason);
  if (!until && !previous.until) return refusal(409, "not_muted", `${who(t)} is not muted`, t.label);
  return {
    ok: true,
    message: until
      ? `Muted ${who(t)} for ${humanDuration(until.getTime() - Date.now())}${reason ? `: ${reason}` : ""}`
      : `Unmuted ${who(t)}`,
    target: t.label,
    oldValue: sanctionJson(previous),
    newValue: until ? { until: until.toISOString(), reason } : null,
    inverse: previous.until
      ? {
          command: "mute",
          args: [accountArg(t), restoreSpan(previous.until), ...(previous.reason ? [previous.reason] : [])],
        }
      : { command: "unmute", args: [accountArg(t)] },
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
