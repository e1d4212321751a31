import type { Logger } from "../util/logger.js";
import type { Command } from "./Command.js";
import { positional } from "./args.js";

export interface DrainReport {
  status: "drained";
  processId: string;
  ms: number;
}

/** `drain`: this process stops taking players, saves and moves everyone (4120), then reports drained. */
export function drainCommand(drain: (reason: string) => Promise<DrainReport>, log: Logger): Command<void> {
  return {
    name: "drain",
    permission: "server.drain",
    usage: "drain",
    help: "This process stops taking players, saves and moves everyone (4120), then reports drained (POST /api/v1/admin/drain).",
    console: false,
    needsCluster: false,
    reversible: false,
    replayable: false,
    args: positional((r) => r.end()),
    async execute({ actor }) {
      log.warn({ actor: actor.username, ip: actor.ip }, `drain requested over ${actor.via}`);
      const report = await drain(`admin ${actor.username}`);
      return {
        ok: true,
        message: `Drained process ${report.processId} in ${report.ms} ms`,
        target: report.processId,
        data: report,
      };
    },
  };
}
