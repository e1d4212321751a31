import type { Command } from "./Command.js";
import { positional } from "./args.js";

/**
 * `metrics`: may this session receive the once-a-second server figures
 * (`gm:metrics {on: true}`)? The room that holds the session subscribes it
 * when the answer is yes; leaving the stream needs no permission.
 */
export const metrics: Command<void> = {
  name: "metrics",
  permission: "gm.view.metrics",
  usage: "metrics",
  help: "Streams the room's figures (tick times, players, NPCs, memory, content revision) to your session once a second.",
  console: false,
  needsCluster: false,
  reversible: false,
  replayable: false,
  args: positional((r) => r.end()),
  async execute() {
    return { ok: true, message: "Server figures every second (gm:metrics)" };
  },
};
