import type { Escalations } from "../auth/Escalations.js";
import type { PermissionService } from "../auth/PermissionService.js";
import type { Logger } from "../util/logger.js";
import type { Command } from "./Command.js";
import { accountCommands } from "./accounts.js";
import { drainCommand, type DrainReport } from "./drain.js";
import { escalationCommands } from "./escalations.js";
import { metrics } from "./metrics.js";

/**
 * The staff and operator actions besides the GM console's commands: run by
 * their own callers (the admin routes, the `gm:metrics` message) through the
 * same registry, so each has one permission check, one argument schema and one
 * audit record. None is typed at the console.
 */
export function staffCommands(deps: {
  permissions: PermissionService;
  escalations: Escalations;
  drain(reason: string): Promise<DrainReport>;
  log: Logger;
}): Command<unknown, unknown>[] {
  return [
    ...accountCommands(deps.permissions),
    ...escalationCommands(deps.escalations, deps.permissions),
    drainCommand(deps.drain, deps.log),
    metrics,
  ] as Command<unknown, unknown>[];
}
