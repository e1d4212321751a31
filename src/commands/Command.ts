import type { z } from "zod";
import type { ClusterBus } from "../cluster/ClusterBus.js";

/** Who runs a command, checked server-side on every call. */
export interface Actor {
  accountId: string;
  username: string;
  roles: string[];
  via: "http" | "game";
  ip?: string | undefined;
}

export interface CommandContext {
  actor: Actor;
  bus: ClusterBus;
}

export interface CommandResult {
  ok: boolean;
  message: string;
}

/**
 * One privileged command, shared by the in-game `gm` message and
 * `POST /api/v1/admin/commands`: positional string arguments validated by a
 * schema, one required permission, and the action itself.
 */
export interface Command<A = unknown> {
  name: string;
  permission: string;
  usage: string;
  help: string;
  args: z.ZodType<A, string[]>;
  execute(ctx: CommandContext, args: A): Promise<CommandResult>;
}
