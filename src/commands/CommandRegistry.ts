import { randomUUID } from "node:crypto";
import type { DataSource } from "typeorm";
import { z } from "zod";
import type { AuditLog, AuditResult } from "../audit/AuditLog.js";
import type { PermissionService } from "../auth/PermissionService.js";
import { allows } from "../auth/permissions.js";
import type { GmWorld } from "../gm/GmWorld.js";
import { returnedRows } from "../persistence/sql.js";
import type { Metrics } from "../metrics/metrics.js";
import { AppError, conflict, forbidden, notFound } from "../util/errors.js";
import type { Logger } from "../util/logger.js";
import type { Actor, ApprovalPolicy, Command, CommandContext, CommandResult } from "./Command.js";

export type CommandStatus = "done" | "refused" | "failed" | "queued";

export interface CommandOutcome {
  ok: boolean;
  message: string;
  actionId: string;
  status: CommandStatus;
  /** Why it was refused: `unknown_command`, `forbidden`, `invalid_arguments`, or the command's own code. */
  code?: string | undefined;
  data?: unknown;
  /** Set when the command waits for a second GM (two-person rule). */
  approvalId?: string | undefined;
}

export const CommandRequest = z.object({
  command: z.string().min(1).max(32),
  args: z.array(z.string().max(512)).max(32).default([]),
});

interface RunOptions {
  /** The approval this run carries out: the two-person check is satisfied. */
  approval?: { id: string; approver: string } | undefined;
  /** Human context for the audit record ("reversal of …", "replay of …"). */
  note?: string | undefined;
}

export interface GmActionRow {
  id: string;
  command: string;
  args: string[];
  actor: string;
  target: string | null;
  inverse: { command: string; args: string[] } | null;
  replayable: boolean;
  createdAt: Date;
  reversedAt: Date | null;
  reversedBy: string | null;
}

/**
 * The one place privileged commands run (in-game `gm` and the admin API):
 * lookup, permission check against the database, argument validation, the
 * two-person rule, execution, and a hash-chained audit record of every
 * attempt, allowed or refused. Successful actions are kept with what undoes
 * them, so they can be reversed (once) or replayed.
 */
export class CommandRegistry {
  private readonly commands = new Map<string, Command<unknown>>();

  constructor(
    private readonly deps: {
      db: DataSource;
      world: GmWorld;
      permissions: PermissionService;
      audit: AuditLog;
      metrics: Metrics;
      log: Logger;
      policy: ApprovalPolicy;
    },
  ) {}

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

  all(): Command[] {
    return [...this.commands.values()];
  }

  async run(
    actor: Actor,
    name: string,
    rawArgs: string[],
    options: RunOptions = {},
  ): Promise<CommandOutcome> {
    const actionId = randomUUID();
    const { audit, metrics, log } = this.deps;
    const finish = async (
      status: CommandStatus,
      result: CommandResult & { code?: string | undefined; approvalId?: string | undefined },
    ): Promise<CommandOutcome> => {
      const auditResult: AuditResult = status === "done" ? "ok" : status;
      const message = options.note ? `${result.message} (${options.note})` : result.message;
      await audit.append({
        id: actionId,
        actorId: actor.accountId,
        actor: actor.username,
        action: `command.${name}`.slice(0, 64),
        target: result.target ?? null,
        args: rawArgs,
        oldValue: result.oldValue ?? null,
        newValue: result.newValue ?? null,
        result: auditResult,
        message: options.approval ? `${message} (approved by ${options.approval.approver})` : message,
        via: actor.via,
        ip: actor.ip ?? null,
        userAgent: actor.userAgent ?? null,
      });
      metrics.gmActions.inc({ command: this.commands.has(name) ? name : "unknown", result: auditResult });
      log.info(
        {
          audit: true,
          actionId,
          actor: actor.username,
          via: actor.via,
          command: name,
          args: rawArgs,
          status,
        },
        `command ${name}: ${result.message}`,
      );
      return {
        ok: status === "done" || status === "queued",
        message: result.message,
        actionId,
        status,
        ...(result.code ? { code: result.code } : {}),
        ...(result.data !== undefined ? { data: result.data } : {}),
        ...(result.approvalId ? { approvalId: result.approvalId } : {}),
      };
    };

    const command = this.commands.get(name);
    if (!command) {
      return finish("refused", { ok: false, message: `Unknown command "${name}"`, code: "unknown_command" });
    }
    const standing = await this.deps.permissions.standing(actor.accountId);
    const can = (permission: string) => allows(standing.permissions, permission);
    const selfOnly = !can(command.permission) && command.selfService && can(command.selfService.permission);
    if (!can(command.permission) && !selfOnly) {
      return finish("refused", {
        ok: false,
        message: `Not permitted: ${command.name} needs ${command.permission}`,
        code: "forbidden",
      });
    }
    const parsed = command.args.safeParse(rawArgs);
    if (!parsed.success) {
      return finish("refused", {
        ok: false,
        message: `${parsed.error.issues[0]?.message ?? "invalid arguments"}. Usage: ${command.usage}`,
        code: "invalid_arguments",
      });
    }
    if (selfOnly && !command.selfService!.applies(parsed.data, actor)) {
      return finish("refused", {
        ok: false,
        message: `Not permitted: ${command.name} of others needs ${command.permission} (you may only use it on yourself)`,
        code: "forbidden",
      });
    }
    const approvalReason = options.approval
      ? undefined
      : command.needsApproval?.(parsed.data, this.deps.policy);
    if (approvalReason) {
      const approvalId = randomUUID();
      await this.deps.db.query(
        `INSERT INTO gm_approvals (id, command, args, requested_by, requested_by_name, reason)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [approvalId, name, JSON.stringify(rawArgs), actor.accountId, actor.username, approvalReason],
      );
      return finish("queued", {
        ok: true,
        message: `Needs a second GM's approval (${approvalReason}): approval ${approvalId}`,
        approvalId,
      });
    }

    const ctx: CommandContext = { actor, world: this.deps.world, can, actionId };
    let result: CommandResult;
    try {
      result = await command.execute(ctx, parsed.data);
    } catch (err) {
      if (err instanceof AppError) {
        return finish("refused", { ok: false, message: err.message, code: err.code });
      }
      log.error({ err, actionId }, "command failed");
      return finish("failed", { ok: false, message: `${command.name} failed: ${(err as Error).message}` });
    }
    if (!result.ok) return finish("refused", { ...result, code: "refused" });
    await this.deps.db.query(
      `INSERT INTO gm_actions (id, command, args, actor_id, actor, target, inverse, replayable)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        actionId,
        name,
        JSON.stringify(rawArgs),
        actor.accountId,
        actor.username,
        result.target ?? null,
        command.reversible && result.inverse ? JSON.stringify(result.inverse) : null,
        command.replayable,
      ],
    );
    return finish("done", result);
  }

  /** The username of an account id (routes that name accounts by id run commands that take names). */
  async accountName(accountId: string): Promise<string> {
    return (await this.deps.world.sanctions.accountById(accountId)).username;
  }

  async action(id: string): Promise<GmActionRow> {
    const row = (
      await this.deps.db.query(`SELECT * FROM gm_actions WHERE id = $1`, [id]).catch(() => [])
    )[0] as Record<string, unknown> | undefined;
    if (!row) throw notFound(`No GM action ${id}`);
    return {
      id: String(row.id),
      command: String(row.command),
      args: row.args as string[],
      actor: String(row.actor),
      target: (row.target as string | null) ?? null,
      inverse: (row.inverse as GmActionRow["inverse"]) ?? null,
      replayable: Boolean(row.replayable),
      createdAt: new Date(row.created_at as string),
      reversedAt: row.reversed_at ? new Date(row.reversed_at as string) : null,
      reversedBy: (row.reversed_by as string | null) ?? null,
    };
  }

  /**
   * Runs an action's inverse and marks it reversed, once: the mark is claimed
   * before the inverse runs (two concurrent reversals cannot both pass) and
   * given back if the inverse fails.
   */
  async reverse(actor: Actor, id: string): Promise<CommandOutcome> {
    const action = await this.action(id);
    if (!action.inverse) {
      throw conflict("irreversible", `${action.command} cannot be reversed (it recorded nothing to undo)`);
    }
    const claimed = returnedRows(
      await this.deps.db.query(
        `UPDATE gm_actions SET reversed_at = now() WHERE id = $1 AND reversed_at IS NULL RETURNING id`,
        [id],
      ),
    );
    if (claimed.length === 0) {
      throw conflict("already_reversed", `Action ${id} was already reversed`);
    }
    const outcome = await this.run(actor, action.inverse.command, action.inverse.args, {
      note: `reversal of ${action.command} ${id}`,
    });
    if (outcome.status !== "done" && outcome.status !== "queued") {
      await this.deps.db.query(`UPDATE gm_actions SET reversed_at = NULL WHERE id = $1`, [id]);
      return outcome;
    }
    await this.deps.db.query(`UPDATE gm_actions SET reversed_by = $2 WHERE id = $1`, [id, outcome.actionId]);
    return outcome;
  }

  async replay(actor: Actor, id: string): Promise<CommandOutcome> {
    const action = await this.action(id);
    if (!action.replayable) throw conflict("not_replayable", `${action.command} cannot be replayed`);
    return this.run(actor, action.command, action.args, { note: `replay of ${id}` });
  }

  async approvals(status = "pending") {
    return (await this.deps.db.query(
      `SELECT id, command, args, requested_by_name AS "requestedBy", reason, status, created_at AS "createdAt",
              decided_at AS "decidedAt", action_id AS "actionId"
         FROM gm_approvals WHERE status = $1 ORDER BY created_at DESC LIMIT 200`,
      [status],
    )) as unknown[];
  }

  /**
   * A second GM approves (runs it, as requested, in the requester's name) or
   * rejects a queued command. The approver needs the command's permission too
   * and may not approve their own request.
   */
  async decide(
    approver: Actor,
    id: string,
    approve: boolean,
  ): Promise<CommandOutcome | { status: "rejected" }> {
    const row = (
      await this.deps.db.query(`SELECT * FROM gm_approvals WHERE id = $1`, [id]).catch(() => [])
    )[0] as
      | { command: string; args: string[]; requested_by: string; requested_by_name: string; status: string }
      | undefined;
    if (!row) throw notFound(`No approval ${id}`);
    if (row.requested_by === approver.accountId) {
      throw forbidden("same_person", "A second GM must approve: you requested this one");
    }
    const command = this.commands.get(row.command);
    if (command && !(await this.deps.permissions.can(approver.accountId, command.permission))) {
      throw forbidden("forbidden", `Not permitted: approving ${row.command} needs ${command.permission}`);
    }
    const claimed = returnedRows(
      await this.deps.db.query(
        `UPDATE gm_approvals SET status = $2, decided_by = $3, decided_at = now()
          WHERE id = $1 AND status = 'pending' RETURNING id`,
        [id, approve ? "approved" : "rejected", approver.accountId],
      ),
    );
    if (claimed.length === 0) {
      throw conflict("already_decided", `Approval ${id} is ${row.status}`);
    }
    await this.deps.audit.append({
      actorId: approver.accountId,
      actor: approver.username,
      action: approve ? "gm.approve" : "gm.reject",
      target: id,
      args: [row.command, ...row.args],
      result: "ok",
      message: `${approve ? "Approved" : "Rejected"} ${row.command} requested by ${row.requested_by_name}`,
      via: approver.via,
      ip: approver.ip ?? null,
      userAgent: approver.userAgent ?? null,
    });
    if (!approve) return { status: "rejected" };
    const requester: Actor = {
      accountId: row.requested_by,
      username: row.requested_by_name,
      via: approver.via,
    };
    const outcome = await this.run(requester, row.command, row.args, {
      approval: { id, approver: approver.username },
    });
    await this.deps.db.query(`UPDATE gm_approvals SET action_id = $2 WHERE id = $1`, [id, outcome.actionId]);
    return outcome;
  }
}
