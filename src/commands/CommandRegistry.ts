import { randomUUID } from "node:crypto";
import { hasUnstorable, type AuditLog, type AuditResult } from "../audit/AuditLog.js";
import type { PermissionService, Standing } from "../auth/PermissionService.js";
import { allows } from "../auth/permissions.js";
import type { GmWorld } from "../gm/GmWorld.js";
import type { Metrics } from "../metrics/metrics.js";
import { PerAccountLimit } from "./PerAccountLimit.js";
import { AppError, conflict, forbidden } from "../util/errors.js";
import { isServiceFault } from "../util/faults.js";
import type { Logger } from "../util/logger.js";
import type { Actor, ApprovalHistory, ApprovalPolicy, Command, CommandContext } from "./Command.js";
import { GmActions, type GmActionRow } from "./GmActions.js";
import type { ApprovalStore } from "../framework/persistence/ports/ApprovalStore.js";
import type { GmActionStore } from "../framework/persistence/ports/GmActionStore.js";
import { checkApprover, checkTarget } from "./StaffCheck.js";
import { fail, outcome, type CommandOutcome, type CommandStatus, type Finished } from "./CommandOutcome.js";

export type { GmActionRow } from "./GmActions.js";
export type { CommandOutcome, CommandStatus } from "./CommandOutcome.js";

interface RunOptions {
  /** The approval this run carries out: the two-person check is satisfied. */
  approval?: { id: string; approver: string } | undefined;
  /** Human context for the audit record ("reversal of …", "replay of …"). */
  note?: string | undefined;
}

/** In-game `gm` messages per account: a GM types far slower; a script flooding refusals is cut here. */
const GAME_RATE = { perSecond: 2, burst: 10 };

/**
 * The one place privileged commands run (in-game `gm` and the admin API):
 * lookup, permission check against the database, argument validation, the
 * rank rule on the target, the two-person rule, execution, and a
 * hash-chained audit record of every attempt, allowed or refused (refusals
 * coalesced while an actor floods). Successful actions are kept with what
 * undoes them, so they can be reversed (once) or replayed, under the same
 * rules as the original. `run` never throws: every failure is an outcome.
 */
export class CommandRegistry {
  private readonly commands = new Map<string, Command<unknown>>();
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

  register<A>(...commands: Command<A>[]): this {
    for (const command of commands) {
      if (this.commands.has(command.name)) throw new Error(`command ${command.name} registered twice`);
      this.commands.set(command.name, command as Command<unknown>);
    }
    return this;
  }

  get(name: string): Command | undefined {
    return this.commands.get(name);
  }

  all(): Command[] {
    return [...this.commands.values()];
  }

  /** What the account may run, for help listings. */
  async available(accountId: string) {
    const { permissions } = await this.deps.permissions.standing(accountId);
    return [...this.commands.values()]
      .filter(
        (c) =>
          allows(permissions, c.permission) ||
          (c.selfService && allows(permissions, c.selfService.permission)),
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
    const finish = (status: CommandStatus, result: Finished) =>
      this.finish(actor, name, rawArgs, options, actionId, status, result);
    try {
      if (actor.via === "game" && !options.approval && !this.gameLimit.admit(actor.accountId)) {
        return await finish("refused", fail(429, "rate_limited", "Too many GM commands; slow down"));
      }
      if ([name, ...rawArgs].some(hasUnstorable)) {
        return await finish(
          "refused",
          fail(400, "invalid_arguments", "Commands and arguments cannot hold NUL or unpaired surrogates"),
        );
      }
      const command = this.commands.get(name);
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
      if (this.deps.clusterUp && !this.deps.clusterUp()) return await finish("failed", unavailable());
      const standing = await this.deps.permissions.standing(actor.accountId);
      return await this.runChecked(actor, standing, command, rawArgs, options, actionId, finish);
    } catch (err) {
      const known = err instanceof AppError;
      const fault = !known && isServiceFault(err);
      if (!known && !fault) this.deps.log.error({ err, actionId, command: name }, "command failed");
      const result = known
        ? fail(err.status, err.code, err.message)
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
    command: Command<unknown>,
    rawArgs: string[],
    options: RunOptions,
    actionId: string,
    finish: (status: CommandStatus, result: Finished) => Promise<CommandOutcome>,
  ): Promise<CommandOutcome> {
    const can = (permission: string) => allows(standing.permissions, permission);
    const selfOnly = !can(command.permission) && command.selfService && can(command.selfService.permission);
    if (!can(command.permission) && !selfOnly) {
      return finish(
        "refused",
        fail(403, "forbidden", `Not permitted: ${command.name} needs ${command.permission}`),
      );
    }
    const parsed = command.args.safeParse(rawArgs);
    if (!parsed.success) {
      const why = parsed.error.issues[0]?.message ?? "invalid arguments";
      return finish("refused", fail(400, "invalid_arguments", `${why}. Usage: ${command.usage}`));
    }
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
    const ctx: CommandContext = { actor, world: this.deps.world, can, actionId, target: verdict.target };
    const result = await command.execute(ctx, parsed.data);
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

  private async finish(
    actor: Actor,
    name: string,
    rawArgs: string[],
    options: RunOptions,
    actionId: string,
    status: CommandStatus,
    result: Finished,
  ): Promise<CommandOutcome> {
    const auditResult: AuditResult = status === "done" ? "ok" : status;
    const noted = options.note ? `${result.message} (${options.note})` : result.message;
    const message = options.approval ? `${noted} (approved by ${options.approval.approver})` : noted;
    const entry = {
      id: actionId,
      actorId: actor.accountId,
      actor: actor.username,
      action: `command.${name}`.slice(0, 64),
      target: result.target ?? null,
      args: rawArgs,
      oldValue: result.oldValue ?? null,
      newValue: result.newValue ?? null,
      message,
      via: actor.via,
      ip: actor.ip ?? null,
      userAgent: actor.userAgent ?? null,
    };
    if (auditResult === "refused") await this.deps.audit.refused(entry);
    else await this.deps.audit.append({ ...entry, result: auditResult });
    const known = this.commands.has(name) ? name : "unknown";
    this.deps.metrics.gmActions.inc({ command: known, result: auditResult });
    // A flood cut by the rate limit is counted in the audit log; one line each would flood the log instead.
    const level = result.code === "rate_limited" ? "debug" : "info";
    this.deps.log[level](
      {
        audit: true,
        actionId,
        actor: actor.username,
        via: actor.via,
        command: known,
        args: JSON.stringify(rawArgs).slice(0, 300),
        status,
        code: result.code,
      },
      `command ${known}: ${result.message.slice(0, 200)}`,
    );
    return outcome(actionId, status, result);
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
    const outcome = await this.run(actor, action.inverse.command, action.inverse.args, {
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
    return this.run(actor, action.command, action.args, { note: `replay of ${id}` });
  }

  async approvals(status = "pending") {
    return this.actions.approvals(status);
  }

  /**
   * A second GM approves (runs it, as requested, in the requester's name) or
   * rejects a queued command. The approver needs the command's permission,
   * may not approve their own request, and must pass the rank rule on the
   * target themselves (so a GM's benefit to itself needs someone above it).
   */
  async decide(
    approver: Actor,
    id: string,
    approve: boolean,
  ): Promise<CommandOutcome | { status: "rejected" }> {
    const row = await this.actions.approval(id);
    if (row.requestedBy === approver.accountId) {
      throw forbidden("same_person", "A second GM must approve: you requested this one");
    }
    const command = this.commands.get(row.command);
    const standing = await this.deps.permissions.standing(approver.accountId);
    if (command && !allows(standing.permissions, command.permission)) {
      throw forbidden("forbidden", `Not permitted: approving ${row.command} needs ${command.permission}`);
    }
    if (approve && command) {
      const parsed = command.args.safeParse(row.args);
      if (parsed.success) await checkApprover(this.deps, command, parsed.data, standing);
    }
    await this.actions.decideApproval(id, approve, approver.accountId);
    await this.deps.audit.append({
      actorId: approver.accountId,
      actor: approver.username,
      action: approve ? "gm.approve" : "gm.reject",
      target: id,
      args: [row.command, ...row.args],
      result: "ok",
      message: `${approve ? "Approved" : "Rejected"} ${row.command} requested by ${row.requestedByName}`,
      via: approver.via,
      ip: approver.ip ?? null,
      userAgent: approver.userAgent ?? null,
    });
    const reversed = await this.actions.reversalWaitingFor(id);
    if (!approve) {
      if (reversed) await this.actions.releaseReversal(reversed);
      return { status: "rejected" };
    }
    const requester: Actor = { accountId: row.requestedBy, username: row.requestedByName, via: approver.via };
    const outcome = await this.run(requester, row.command, row.args, {
      approval: { id, approver: approver.username },
    });
    await this.actions.setApprovalAction(id, outcome.actionId);
    if (reversed) {
      if (outcome.status === "done") await this.actions.setReversedBy(reversed, outcome.actionId);
      else await this.actions.releaseReversal(reversed);
    }
    return outcome;
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
