import type { z } from "zod";
import type { Standing } from "../auth/PermissionService.js";
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
  /**
   * In game: a staff session that has not proved a second factor
   * (STAFF_MFA_REQUIRED). Over HTTP the guard refuses those before a command runs.
   */
  secondFactorMissing?: boolean | undefined;
}

/**
 * Whom a command acts on, as its arguments name it: a character by name
 * (contract §5 `<target>`), or an account by username where the command is
 * about accounts (`unban <account>`, or `account:<username>` written out),
 * or an account by its id (the admin API names accounts by id). The kinds
 * are never guessed from one another.
 */
export type TargetRef = { kind: "character" | "account"; name: string } | { kind: "accountId"; id: string };

/** A target found in the database: the account the rank rule is applied to. */
export interface ResolvedTarget {
  accountId: string;
  username: string;
  /** Set when a character was named. */
  character?: { id: string; name: string } | undefined;
  /** How the audit log and messages name it. */
  label: string;
}

/** What a command may do when its target is the actor's own account. */
export type SelfRule = "allow" | "approval" | "refuse";

export interface CommandContext {
  actor: Actor;
  world: GmWorld;
  /** The actor's roles and permissions, as the database held them when the run began. */
  standing: Standing;
  /** Whether the actor holds a further permission (e.g. currency on top of `give`). */
  can(permission: string): boolean;
  /** This action's id: keys ledger entries so a retried give can never pay twice. */
  actionId: string;
  /** The target the registry resolved and checked (rank rule), when the command has one. */
  target?: ResolvedTarget | undefined;
}

/** The command (with its positional args, and input if it takes one) that undoes an action, built from what the action recorded. */
export interface Inverse {
  command: string;
  args: string[];
  input?: unknown;
}

export interface CommandResult {
  ok: boolean;
  message: string;
  /** Why it was refused (stable code) and the HTTP status that fits; 409 `refused` when unset. */
  code?: string | undefined;
  status?: number | undefined;
  /** Who or what was acted on, for the audit log and its filters. */
  target?: string | undefined;
  oldValue?: unknown;
  newValue?: unknown;
  inverse?: Inverse | undefined;
  /** Structured answer (inspect's report, spawned ids…), passed to the caller. */
  data?: unknown;
  /** With a refusal: what the caller may show about it (a content pack's issues). */
  details?: unknown;
}

/** A refusal as a command result: `status` is the HTTP status it maps to. */
export function refusal(status: number, code: string, message: string, target?: string): CommandResult {
  return { ok: false, status, code, message, target };
}

/** What the two-person rule may look up about earlier actions of the same actor on the same target. */
export interface ApprovalHistory {
  /** Units of `itemId` this actor gave the target alone (without approval) in the current budget window. */
  soloGiven(itemId: string): Promise<number>;
}

/**
 * One privileged action (see ../shared/STYLE.md "one registry"): positional
 * string arguments validated by a schema, structured input where words do not
 * fit, a required permission, help, the action, and what it takes to undo it.
 * GM commands (contract §5) are typed at the console — the in-game `gm`
 * message and `POST /api/v1/admin/commands`; the staff and operator actions
 * (roles, escalations, content, drain…) are run by their own callers (an admin
 * route, a game message handler) through the same registry.
 */
export interface Command<A = unknown, I = undefined> {
  name: string;
  /** What the actor must hold; null for what anyone signed in may ask (the command's own rule decides). */
  permission: string | null;
  usage: string;
  help: string;
  args: z.ZodType<A, string[]>;
  /**
   * Structured input next to the positional arguments, for what words do not
   * carry (a content pack, a list of roles): its caller passes it (an admin
   * route its body) and the registry validates it after the permission check
   * and the arguments, refusing a bad one as `invalid_request`. Such a
   * command is never queued for a second GM nor replayed.
   */
  input?: z.ZodType<I>;
  /** How the raw input appears in the audit log (default: as sent); a content pack is stored elsewhere. */
  auditInput?(raw: unknown): unknown;
  /**
   * False: not a console command — not listed by `GET /commands`, refused as
   * unknown by the in-game `gm` message and `POST /commands`; only its own
   * caller runs it (`run(…, {from: "owner"})`). Its bad arguments are a bad
   * request (`invalid_request`), not a GM's typo (`invalid_arguments` with the usage).
   */
  console?: boolean;
  /** False when it needs nothing from Redis: it still runs while the cluster is unreachable (default true). */
  needsCluster?: boolean;
  /** Whether a successful run records an inverse that `reverse` can run. */
  reversible: boolean;
  /** Whether `replay` may run it again with the same arguments. */
  replayable: boolean;
  /**
   * A narrower permission that suffices for some arguments (`teleport` of
   * oneself needs only `gm.command.teleport.self`).
   */
  selfService?: { permission: string; applies(args: A, actor: Actor): boolean };
  /** Whom these arguments act on: the registry refuses a target ranked at or above the actor. */
  target?(args: A): TargetRef | undefined;
  /** When the target is the actor's own account; "refuse" unless said otherwise. */
  onSelf?: SelfRule;
  /**
   * The code a rank-rule refusal carries: `outranked` or `self` (default), or
   * `forbidden`, which the account routes (roles, overrides) have always
   * answered for every one of their staff rules.
   */
  rankCode?: "forbidden";
  /** Two-person rule: why these arguments need a second GM's approval, or undefined. */
  needsApproval?(
    args: A,
    policy: ApprovalPolicy,
    history: ApprovalHistory,
  ): Promise<string | undefined> | string | undefined;
  execute(ctx: CommandContext, args: A, input: I): Promise<CommandResult>;
}

export interface ApprovalPolicy {
  /**
   * What one GM alone may give one character of one item (or currency) within
   * `GIVE_BUDGET_HOURS`; a give past it, replays and repeats included, waits
   * for a second GM.
   */
  bulkGiveThreshold: number;
}

/** The window over which a GM's solo gives to one character add up. */
export const GIVE_BUDGET_HOURS = 24;
