import { randomUUID } from "node:crypto";
import { z } from "zod";
import { hasPermission } from "../auth/permissions.js";
import type { ClusterBus } from "../cluster/ClusterBus.js";
import type { Logger } from "../util/logger.js";
import type { Actor, Command, CommandResult } from "./Command.js";

export interface CommandOutcome extends CommandResult {
  actionId: string;
}

export const CommandRequest = z.object({
  command: z.string().min(1).max(32),
  args: z.array(z.string().max(512)).max(32).default([]),
});

/**
 * The one place privileged commands run: lookup, permission check, argument
 * validation, execution, and a record of every attempt (allowed or refused)
 * with its action id. The GM/admin work persists these records as the audit
 * log; today they go to the structured log.
 */
export class CommandRegistry {
  private readonly commands = new Map<string, Command<unknown>>();

  constructor(
    private readonly bus: ClusterBus,
    private readonly log: Logger,
  ) {}

  register<A>(command: Command<A>): this {
    if (this.commands.has(command.name)) throw new Error(`command ${command.name} registered twice`);
    this.commands.set(command.name, command as Command<unknown>);
    return this;
  }

  list(): Pick<Command, "name" | "permission" | "usage" | "help">[] {
    return [...this.commands.values()].map(({ name, permission, usage, help }) => ({
      name,
      permission,
      usage,
      help,
    }));
  }

  async run(actor: Actor, name: string, rawArgs: string[]): Promise<CommandOutcome> {
    const actionId = randomUUID();
    const record = (outcome: CommandResult, extra: Record<string, unknown> = {}) => {
      this.log.info(
        {
          audit: true,
          actionId,
          actor: actor.username,
          account: actor.accountId,
          via: actor.via,
          ip: actor.ip,
          command: name,
          args: rawArgs,
          ok: outcome.ok,
          ...extra,
        },
        `command ${name}: ${outcome.message}`,
      );
      return { ...outcome, actionId };
    };
    const command = this.commands.get(name);
    if (!command) return record({ ok: false, message: `Unknown command "${name}"` }, { refused: "unknown" });
    if (!hasPermission(actor.roles, command.permission)) {
      return record(
        { ok: false, message: `Not permitted: ${command.name} needs ${command.permission}` },
        { refused: "permission" },
      );
    }
    const parsed = command.args.safeParse(rawArgs);
    if (!parsed.success) {
      return record(
        {
          ok: false,
          message: `${parsed.error.issues[0]?.message ?? "invalid arguments"}. Usage: ${command.usage}`,
        },
        { refused: "arguments" },
      );
    }
    try {
      return record(await command.execute({ actor, bus: this.bus }, parsed.data));
    } catch (err) {
      this.log.error({ err, actionId }, "command failed");
      return record(
        { ok: false, message: `${command.name} failed: ${(err as Error).message}` },
        { failed: true },
      );
    }
  }
}
