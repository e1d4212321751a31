import { randomUUID } from "node:crypto";
import { hasUnstorable, type AuditLog } from "../audit/AuditLog.js";
import type { PermissionService, Standing } from "../auth/PermissionService.js";
import { allows } from "../auth/permissions.js";
import type { GmWorld } from "../gm/GmWorld.js";
import type { Metrics } from "../metrics/metrics.js";
import { PerAccountLimit } from "./PerAccountLimit.js";
import { AppError, conflict } from "../util/errors.js";
import { isServiceFault } from "../util/faults.js";
import type { Logger } from "../util/logger.js";
import { parseInput } from "../util/parseInput.js";
import { withSpan } from "../tracing/tracing.js";
import type { Actor, ApprovalHistory, ApprovalPolicy, Command, CommandContext } from "./Command.js";
import { GmActions, type GmActionRow } from "./GmActions.js";
import type { ApprovalStore } from "../persistence/ports/ApprovalStore.js";
import type { GmActionStore } from "../persistence/ports/GmActionStore.js";
import { checkTarget } from "./StaffCheck.js";
import { decideApproval } from "./decideApproval.js";
import { recordAttempt, type Attempt } from "./CommandAudit.js";
import {
  fail,
  failFrom,
  outcome,
  type CommandOutcome,
  type CommandStatus,
  type Finished,
} from "./CommandOutcome.js";

export type { GmActionRow } from "./GmActions.js";
export type { CommandOutcome, CommandStatus } from "./CommandOutcome.js";

export interface RunOptions {
  /** Structured input for a command that takes one (an admin route's body); see `Command.input`. */
  input?: unknown;
  /**
   * Who calls: the GM console (the in-game `gm` message, `POST /commands`;
   * the default), which reaches only console commands, or a command's own
   * caller (an admin route, a game message handler), which reaches any.
   */
  from?: "console" | "owner";
  /** The approval this run carries out: the two-person check is satisfied. */
  approval?: { id: string; approver: string } | undefined;
  /** Human context for the audit record ("reversal of …", "replay of …"). */
  note?: string | undefined;
}

type Finish = (status: CommandStatus, result: Finished) => Promise<CommandOutcome>;

/** In-game `gm` messages per account: a GM types far slower; a script flooding refusals is cut here. */
const GAME_RATE = { perSecond: 2, burst: 10 };

/**
 * The one place privileged actions run — GM commands (in-game `gm`, the admin
 * API's `/commands`) and the staff and operator actions behind the admin
 * routes and game messages (roles, escalations, content, drain, the metrics
 * stream): lookup, permission check against the database, argument and input
 * validation, the rank rule on the target, the two-person rule, execution,
 * and a hash-chained audit record of every attempt, allowed or refused
 * (refusals coalesced while an actor floods). Successful actions are kept
 * with what undoes them, so they can be reversed (once) or replayed, under
 * the same rules as the original. `run` never throws: every failure is an
 * outcome. A game registers its own commands at boot (`register`).
 */
export class CommandRegistry {
  private readonly commands = new Map<string, Command<unknown, unknown>>();
  private readonly actions: GmActions;
  private readonly gameLimit = new PerAccountLimit(GAME_RATE.perSecond, GAME_RATE.burst);

  constructor(
    private readonly deps: {
      gmActions: GmActionStore;
      approvals: ApprovalStore;
      world: GmWorld;
      permissions: PermissionService;
      audit: AuditLog;
      metrics: Metrics;
      log: Logger;
      policy: ApprovalPolicy;
      /** False while the cluster (Redis) is unreachable: commands find and reach players through it. */
      clusterUp?: () => boolean;
    },
  ) {
    this.actions = new GmActions(deps.gmActions, deps.approvals);
  }

  register<A, I>(...commands: Command<A, I>[]): this {
    for (const command of commands) {
      if (this.commands.has(command.name)) throw new Error(`command ${command.name} registered twice`);
      // An input is not kept with an approval or a replay: such a command could not be run again whole.
      if (command.input && (command.replayable || command.needsApproval || command.onSelf === "approval")) {
        throw new Error(`command ${command.name} takes an input, so it can be neither replayed nor queued`);
      }
      this.commands.set(command.name, command as unknown as Command<unknown, unknown>);
    }
    return this;
  }

  get(name: string): Command<unknown, unknown> | undefined {
    return this.commands.get(name);
  }

  all(): Command<unknown, unknown>[] {
    return [...this.commands.values()];
  }

  /**
   * Whether the account holds `permission` now, as the database says: the
   * check every command run makes, for the admin API's read-only routes.
   */
  async may(accountId: string, permission: string): Promise<boolean> {
    return allows((await this.deps.permissions.standing(accountId)).permissions, permission);
  }

  /** The console commands the account may run, for help listings. */
  async available(accountId: string) {
    const { permissions } = await this.deps.permissions.standing(accountId);
    return [...this.commands.values()]
      .filter(
        (c) =>
          c.console !== false &&
          ((c.permission !== null && allows(permissions, c.permission)) ||
            (c.selfService && allows(permissions, c.selfService.permission))),
      )
      .map(({ name, permission, usage, help, reversible, replayable }) => ({
        name,
        permission,
        usage,
        help,
        reversible,
        replayable,
      }));
  }

  async run(
    actor: Actor,
    name: string,
    rawArgs: string[],
    options: RunOptions = {},
  ): Promise<CommandOutcome> {
    const actionId = randomUUID();
    // A trace per command, whether typed in game or posted to the admin API (then inside the request's).
    // Only a registered name goes into the span's name: span names must stay few.
    const known = this.commands.has(name) ? name : "unknown";
    const attributes = { "mxo.command.name": known, "mxo.command.via": actor.via, "mxo.action.id": actionId };
    return withSpan(`command ${known}`, { attributes }, async (span) => {
      const outcome = await this.runUntraced(actor, name, rawArgs, options, actionId);
      span.setAttribute("mxo.command.status", outcome.status);
      return outcome;
    });
  }

  private async runUntraced(
    actor: Actor,
    name: string,
    rawArgs: string[],
    options: RunOptions,
    actionId: string,
  ): Promise<CommandOutcome> {
    const found = this.commands.get(name);
    const command = found && (found.console !== false || options.from === "owner") ? found : undefined;
    const { input, note, approval } = options;
    const attempt: Attempt = { actionId, actor, name, command, args: rawArgs, input, note, approval };
    const finish: Finish = (status, result) => recordAttempt(this.deps, attempt, status, result);
    try {
      if (actor.via === "game" && !options.approval && !this.gameLimit.admit(actor.accountId)) {
        return await finish("refused", fail(429, "rate_limited", "Too many GM commands; slow down"));
      }
      if (command?.console !== false && [name, ...rawArgs].some(hasUnstorable)) {
        return await finish(
          "refused",
          fail(400, "invalid_arguments", "Commands and arguments cannot hold NUL or unpaired surrogates"),
        );
      }
      if (!command) return await finish("refused", fail(400, "unknown_command", `Unknown command "${name}"`));
      if (actor.secondFactorMissing) {
        return await finish(
          "refused",
          fail(
            403,
            "mfa_required",
            "Staff actions need two-factor authentication: turn TOTP on and log in with a code",
          ),
        );
      }
      if (command.needsCluster !== false && this.deps.clusterUp && !this.deps.clusterUp()) {
        return await finish("failed", unavailable());
      }
      const standing = await this.deps.permissions.standing(actor.accountId);
      return await this.runChecked(actor, standing, command, rawArgs, options, actionId, finish);
    } catch (err) {
      const known = err instanceof AppError;
      const fault = !known && isServiceFault(err);
      if (!known && !fault) this.deps.log.error({ err, actionId, command: name }, "command failed");
      const result = known
        ? failFrom(err)
        : fault
          ? unavailable()
          : fail(500, "command_failed", `${name} failed: ${(err as Error).message}`);
      const status: CommandStatus = result.status! >= 500 ? "failed" : "refused";
      return finish(status, result).catch((auditErr: unknown) => {
        // The audit itself failed (the database is down): the caller still gets an answer.
        this.deps.log.error({ err: auditErr, actionId }, "command outcome not audited");
        return outcome(actionId, status, known ? result : fail(503, "unavailable", "Try again shortly"));
      });
    }
  }

  private async runChecked(
    actor: Actor,
    standing: Standing,
    command: Command<unknown, unknown>,
    rawArgs: string[],
    options: RunOptions,
    actionId: string,
    finish: Finish,
  ): Promise<CommandOutcome> {
    const can = (permission: string) => allows(standing.permissions, permission);
    const granted = command.permission === null || can(command.permission);
    const selfOnly = !granted && command.selfService && can(command.selfService.permission);
    if (!granted && !selfOnly) {
      return finish(
        "refused",
        fail(403, "forbidden", `Not permitted: ${command.name} needs ${command.permission}`),
      );
    }
    // A console command's arguments were typed by a GM; any other's came from a request.
    const typed = command.console !== false;
    const parsed = command.args.safeParse(rawArgs);
    if (!parsed.success) {
      const why = parsed.error.issues[0]?.message ?? "invalid arguments";
      return finish(
        "refused",
        typed
          ? fail(400, "invalid_arguments", `${why}. Usage: ${command.usage}`)
          : fail(400, "invalid_request", why),
      );
    }
    if (!typed && rawArgs.some(hasUnstorable)) {
      return finish(
        "refused",
        fail(400, "invalid_request", "Arguments cannot hold NUL or unpaired surrogates"),
      );
    }
    if (options.input !== undefined && !command.input) {
      return finish("refused", fail(400, "invalid_request", `${command.name} takes no input`));
    }
    const input = command.input ? parseInput(command.input, options.input) : undefined;
    if (selfOnly && !command.selfService!.applies(parsed.data, actor)) {
      return finish(
        "refused",
        fail(
          403,
          "forbidden",
          `Not permitted: ${command.name} of others needs ${command.permission} (you may only use it on yourself)`,
        ),
      );
    }
    const verdict = await checkTarget(this.deps, command, parsed.data, standing, Boolean(options.approval));
    const approvalReason = options.approval
      ? undefined
      : (verdict.needsApproval ??
        (await command.needsApproval?.(
          parsed.data,
          this.deps.policy,
          this.history(actor, verdict.target?.label),
        )));
    if (approvalReason) {
      const approvalId = randomUUID();
      await this.actions.queueApproval({
        id: approvalId,
        command: command.name,
        args: rawArgs,
        requestedBy: actor.accountId,
        requestedByName: actor.username,
        reason: approvalReason,
      });
      return finish("queued", {
        ok: true,
        status: 202,
        message: `Needs a second GM's approval (${approvalReason}): approval ${approvalId}`,
        target: verdict.target?.label,
        approvalId,
      });
    }
    const ctx: CommandContext = {
      actor,
      world: this.deps.world,
      standing,
      can,
      actionId,
      target: verdict.target,
    };
    const result = await command.execute(ctx, parsed.data, input);
    if (!result.ok) {
      return finish("refused", { ...result, status: result.status ?? 409, code: result.code ?? "refused" });
    }
    await this.actions.record({
      id: actionId,
      command: command.name,
      args: rawArgs,
      actorId: actor.accountId,
      actor: actor.username,
      target: result.target ?? null,
      inverse: command.reversible ? (result.inverse ?? null) : null,
      replayable: command.replayable,
    });
    return finish("done", { ...result, status: 200 });
  }

  /** Earlier gives by this actor to this target, for the two-person rule. */
  private history(actor: Actor, target: string | undefined): ApprovalHistory {
    const give = this.commands.get("give");
    return {
      soloGiven: async (itemId) =>
        target && give ? this.actions.soloGiven(actor.accountId, target, itemId, give.args) : 0,
    };
  }

  /** The username of an account id (routes that name accounts by id run commands that take names). */
  async accountName(accountId: string): Promise<string> {
    return (await this.deps.world.sanctions.accountById(accountId)).username;
  }

  async action(id: string): Promise<GmActionRow> {
    return this.actions.get(id);
  }

  /**
   * Runs an action's inverse as `actor` — with the actor's permissions, the
   * rank rule on the target as it is now and the two-person rule — and marks
   * the original reversed, once: the mark is claimed before the inverse runs
   * (two concurrent reversals cannot both pass) and given back if the inverse
   * is refused. A reversal that waits for a second GM holds the mark until
   * the approval is decided.
   */
  async reverse(actor: Actor, id: string): Promise<CommandOutcome> {
    const action = await this.actions.get(id);
    if (!action.inverse) {
      throw conflict("irreversible", `${action.command} cannot be reversed (it recorded nothing to undo)`);
    }
    await this.actions.claimReversal(id);
    // The registry itself runs the inverse, so it reaches commands kept off the console too.
    const outcome = await this.run(actor, action.inverse.command, action.inverse.args, {
      input: action.inverse.input,
      from: "owner",
      note: `reversal of ${action.command} ${id}`,
    });
    if (outcome.status === "done") await this.actions.setReversedBy(id, outcome.actionId);
    else if (outcome.status === "queued") await this.actions.setReversedBy(id, outcome.approvalId!);
    else await this.actions.releaseReversal(id);
    return outcome;
  }

  /** Runs a replayable action again as `actor`, under every rule the original ran under. */
  async replay(actor: Actor, id: string): Promise<CommandOutcome> {
    const action = await this.actions.get(id);
    if (!action.replayable) throw conflict("not_replayable", `${action.command} cannot be replayed`);
    return this.run(actor, action.command, action.args, { from: "owner", note: `replay of ${id}` });
  }

  async approvals(status = "pending") {
    return this.actions.approvals(status);
  }

  /**
   * A second GM approves (runs it, as requested, in the requester's name) or
   * rejects a queued command (see `decideApproval`).
   */
  async decide(
    approver: Actor,
    id: string,
    approve: boolean,
  ): Promise<CommandOutcome | { status: "rejected" }> {
    return decideApproval(
      { ...this.deps, actions: this.actions, command: (name) => this.get(name), run: this.run.bind(this) },
      approver,
      id,
      approve,
    );
  }
}

/** A backing service (Redis, the database) cannot be reached: try again, nothing was done. */
function unavailable() {
  return fail(
    503,
    "unavailable",
    "GM commands are unavailable right now (a backing service is down); try again shortly",
  );
}
