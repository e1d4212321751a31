import type { z } from "zod";
import type { GmWorld } from "../gm/GmWorld.js";

/** Who runs a command, checked server-side on every call. */
export interface Actor {
  accountId: string;
  username: string;
  via: "http" | "game";
  ip?: string | undefined;
  userAgent?: string | undefined;
  /** In game: the character the GM plays, where summon brings people and `teleport self` moves. */
  characterName?: string | undefined;
}

export interface CommandContext {
  actor: Actor;
  world: GmWorld;
  /** Whether the actor holds a further permission (e.g. currency on top of `give`). */
  can(permission: string): boolean;
  /** This action's id: keys ledger entries so a retried give can never pay twice. */
  actionId: string;
}

/** The command (and positional args) that undoes an action, built from what the action recorded. */
export interface Inverse {
  command: string;
  args: string[];
}

export interface CommandResult {
  ok: boolean;
  message: string;
  /** Who or what was acted on, for the audit log and its filters. */
  target?: string | undefined;
  oldValue?: unknown;
  newValue?: unknown;
  inverse?: Inverse | undefined;
  /** Structured answer (inspect's report, spawned ids…), passed to the caller. */
  data?: unknown;
}

/**
 * One privileged command, shared by the in-game `gm` message and
 * `POST /api/v1/admin/commands` (see ../shared/STYLE.md "one registry"):
 * positional string arguments validated by a schema, a required permission,
 * help, the action, and what it takes to undo it.
 */
export interface Command<A = unknown> {
  name: string;
  permission: string;
  usage: string;
  help: string;
  args: z.ZodType<A, string[]>;
  /** Whether a successful run records an inverse that `reverse` can run. */
  reversible: boolean;
  /** Whether `replay` may run it again with the same arguments. */
  replayable: boolean;
  /**
   * A narrower permission that suffices for some arguments (`teleport` of
   * oneself needs only `gm.command.teleport.self`).
   */
  selfService?: { permission: string; applies(args: A, actor: Actor): boolean };
  /** Two-person rule: why these arguments need a second GM's approval, or undefined. */
  needsApproval?(args: A, policy: ApprovalPolicy): string | undefined;
  execute(ctx: CommandContext, args: A): Promise<CommandResult>;
}

export interface ApprovalPolicy {
  /** A give of more than this many items (or this much currency) waits for a second GM. */
  bulkGiveThreshold: number;
}
