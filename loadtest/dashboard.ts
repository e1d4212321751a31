/**
 * The load test in a terminal: @colyseus/loadtest's dashboard, as it is. Its
 * `--output` file would keep the dashboard's `{blue-fg}` markup, so the option
 * is taken off the command line before the library reads it, and our plain
 * file gets a copy of every line the dashboard shows.
 */
import { cli } from "@colyseus/loadtest";
import type { PlainFile } from "./report.js";
import { teeConsole } from "./report.js";
import type { Run } from "./run.js";
import type { Summary } from "./stats.js";

/** argv without `--output <file>` / `--output=<file>`. */
export function withoutOutput(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--output") i++;
    else if (!argv[i]!.startsWith("--output=")) out.push(argv[i]!);
  }
  return out;
}

export function runDashboard(run: Run, file: PlainFile | undefined): void {
  process.argv = withoutOutput(process.argv);
  // The library requires --room; this scenario has a default.
  if (!process.argv.some((a) => a === "--room" || a.startsWith("--room=")))
    process.argv.push("--room", run.options.room);
  cli(run.main);
  // cli() has replaced console.* with its dashboard's by now: copy from there.
  if (file) teeConsole(file);
  let result: Summary | undefined;
  void run.ended.then((ended) => {
    result = ended;
    // The library exits from its SIGTERM handler (q and Ctrl-C go the same way).
    process.kill(process.pid, "SIGTERM");
  });
  // Registered after the dashboard's own exit handler, which gives the terminal back first.
  process.once("exit", () => process.stdout.write(`${JSON.stringify(result ?? run.snapshot())}\n`));
}
